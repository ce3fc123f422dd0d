// The CloudWatch agent's configuration on a host: which files it tails into which log groups, and
// the memory and disk figures it reports.
import type { ShippedLogFile } from './host-log-groups.ts';

/** Where the agent reads its configuration from on the host. */
export const CLOUD_WATCH_AGENT_CONFIG_PATH = '/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json';

/**
 * The host metrics the agent publishes, by CloudWatch metric name (the agent prefixes each
 * measurement with its plugin: mem + used_percent). Each is also rolled up without dimensions,
 * so an alarm on the namespace sees every host of the stage.
 */
export const HOST_METRICS = {
  memoryUsedPercent: 'mem_used_percent',
  diskUsedPercent: 'disk_used_percent',
} as const;

/** The file system whose fullness is reported: the root volume, where releases and logs live. */
export const HOST_DISK_PATH = '/';

/** Seconds between two samples of the host metrics. */
export const HOST_METRICS_INTERVAL_SECONDS = 60;

export interface CloudWatchAgentConfigProps {
  readonly files: readonly ShippedLogFile[];
  /** The stage's own namespace; the hosts may publish to no other (their role's condition). */
  readonly metricsNamespace: string;
}

/**
 * The agent config as an object (log group names may be CDK tokens; render with Stack.toJsonString).
 * It runs as root because the CodeDeploy agent's logs are readable by root only.
 */
export function cloudWatchAgentConfig(props: CloudWatchAgentConfigProps): Record<string, unknown> {
  return {
    agent: { run_as_user: 'root', logfile: '/opt/aws/amazon-cloudwatch-agent/logs/amazon-cloudwatch-agent.log' },
    // The agent rejects a metrics section with keys its schema does not list (translator/config/
    // schema.json, metricsDefinition: additionalProperties false): the interval goes per plugin.
    metrics: {
      namespace: props.metricsNamespace,
      // The instance id comes from instance metadata (no ec2:DescribeTags, unlike the group name).
      append_dimensions: { InstanceId: '${aws:InstanceId}' },
      // [] also publishes every host's figures as one series per metric, without dimensions.
      aggregation_dimensions: [[]],
      metrics_collected: {
        mem: { measurement: ['used_percent'], metrics_collection_interval: HOST_METRICS_INTERVAL_SECONDS },
        disk: {
          resources: [HOST_DISK_PATH],
          measurement: ['used_percent'],
          drop_device: true,
          metrics_collection_interval: HOST_METRICS_INTERVAL_SECONDS,
        },
      },
    },
    logs: {
      logs_collected: {
        files: {
          collect_list: props.files.map((f) => ({
            file_path: f.filePath,
            log_group_name: f.logGroup.logGroupName,
            // No retention_in_days: the stack owns the groups and their retention.
            log_stream_name: '{instance_id}',
          })),
        },
      },
    },
  };
}
