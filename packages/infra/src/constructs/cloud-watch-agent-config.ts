// The CloudWatch agent's configuration on a host: which files it tails into which log groups.
import type { ShippedLogFile } from './host-log-groups.ts';

/** Where the agent reads its configuration from on the host. */
export const CLOUD_WATCH_AGENT_CONFIG_PATH = '/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json';

/**
 * The agent config as an object (log group names may be CDK tokens; render with Stack.toJsonString).
 * It runs as root because the CodeDeploy agent's logs are readable by root only.
 */
export function cloudWatchAgentConfig(files: readonly ShippedLogFile[]): Record<string, unknown> {
  return {
    agent: { run_as_user: 'root', logfile: '/opt/aws/amazon-cloudwatch-agent/logs/amazon-cloudwatch-agent.log' },
    logs: {
      logs_collected: {
        files: {
          collect_list: files.map((f) => ({
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
