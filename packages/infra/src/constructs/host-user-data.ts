// First-boot script of a host: Node, the service user and directories, the CloudWatch and CodeDeploy agents.
import { UserData } from 'aws-cdk-lib/aws-ec2';
import { CLOUD_WATCH_AGENT_CONFIG_PATH } from './cloud-watch-agent-config.ts';

export interface HostUserDataProps {
  /** Region of the CodeDeploy agent's install bucket. */
  readonly region: string;
  /** Node major to install from the AL2023 packages (`nodejs<major>`). */
  readonly nodeMajor: number;
  /** Where the systemd unit expects node; AL2023 links it to the active version via alternatives. */
  readonly nodeBin: string;
  /** System user the service runs as. */
  readonly serviceUser: string;
  /** Directories the service and the CodeDeploy hooks use (the hooks create them too, idempotently). */
  readonly directories: {
    readonly root: string;
    readonly releases: string;
    readonly config: string;
    readonly tls: string;
    readonly logs: string;
  };
  /** The CloudWatch agent configuration, already rendered to JSON (may contain CDK tokens). */
  readonly cloudWatchAgentConfigJson: string;
  /**
   * Keeps the script running until this host serves the deployment group's last successful
   * revision (or the group has none yet), so the CloudFormation signal sent when it exits means
   * "in service" and a rolling replacement never takes out a serving host for one that is not.
   * @default none: the script ends once the agents run
   */
  readonly readiness?: HostReadiness;
  /**
   * Attempts for each network step (package installs, agent download) before the boot fails.
   * @default 5
   */
  readonly attempts?: number;
}

/** What a new host waits for before it counts as ready. */
export interface HostReadiness {
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  /** The service's version endpoint on the host, e.g. `https://127.0.0.1:8443/version`. */
  readonly versionUrl: string;
  /** Upper bound of the wait; the caller's CloudFormation signal timeout should exceed it. */
  readonly timeoutSeconds: number;
}

const SAFE = /^[A-Za-z0-9._/-]+$/;
const SAFE_URL = /^https?:\/\/[A-Za-z0-9.:[\]_/-]+$/;

function checkSafe(field: string, value: string): string {
  if (!SAFE.test(value)) {
    throw new Error(
      `hostUserData ${field}: ${JSON.stringify(value)} is not allowed; expected letters, digits, '.', '_', '/' or '-' (it is used unquoted in a shell script)`,
    );
  }
  return value;
}

/**
 * A bash script that fails loudly (set -euo pipefail) and retries every network step, so a host
 * either comes up complete or never becomes healthy and gets replaced.
 */
export function hostUserData(props: HostUserDataProps): UserData {
  const attempts = props.attempts ?? 5;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new Error(`hostUserData attempts: ${attempts} is not allowed; expected a whole number >= 1`);
  }
  if (!Number.isInteger(props.nodeMajor) || props.nodeMajor < 20) {
    throw new Error(
      `hostUserData nodeMajor: ${props.nodeMajor} is not allowed; expected a Node major AL2023 packages, 20 or later`,
    );
  }
  const region = checkSafe('region', props.region);
  const user = checkSafe('serviceUser', props.serviceUser);
  const nodeBin = checkSafe('nodeBin', props.nodeBin);
  const d = Object.fromEntries(
    Object.entries(props.directories).map(([k, v]) => [k, checkSafe(`directories.${k}`, v)]),
  ) as Record<keyof HostUserDataProps['directories'], string>;
  const major = props.nodeMajor;
  const userData = UserData.forLinux();
  userData.addCommands(
    'set -euo pipefail',
    `retry() { local n=1; until "$@"; do if [ "$n" -ge ${attempts} ]; then echo "gave up after $n attempts: $*" >&2; return 1; fi; sleep $((n * 10)); n=$((n + 1)); done; }`,
    // AL2023 installs each Node major as node-<major>; /usr/bin/node is an alternatives link we pin.
    // openssl makes the host certificate and logrotate rotates the service log (both used by the hooks).
    // aws-cfn-bootstrap: cfn-signal; awscli-2: the readiness check (both usually preinstalled on AL2023).
    `retry dnf install -y nodejs${major} ruby amazon-cloudwatch-agent openssl logrotate aws-cfn-bootstrap awscli-2`,
    `alternatives --set node /usr/bin/node-${major}`,
    `test "$(${nodeBin} -p 'process.versions.node.split(".")[0]')" = "${major}"`,
    `id -u ${user} >/dev/null 2>&1 || useradd --system --user-group --home-dir ${d.root} --no-create-home --shell /sbin/nologin ${user}`,
    `install -d -m 0755 -o root -g root ${d.root} ${d.releases} ${d.config}`,
    `install -d -m 0750 -o root -g ${user} ${d.tls}`,
    `install -d -m 0750 -o ${user} -g ${user} ${d.logs}`,
    `mkdir -p "$(dirname ${CLOUD_WATCH_AGENT_CONFIG_PATH})"`,
    `cat > ${CLOUD_WATCH_AGENT_CONFIG_PATH} <<'CWAGENT_JSON'`,
    props.cloudWatchAgentConfigJson,
    'CWAGENT_JSON',
    `/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:${CLOUD_WATCH_AGENT_CONFIG_PATH}`,
    // The regional bucket serves the installer close to the host; `auto` installs the latest agent.
    `retry curl -fsSL -o /tmp/codedeploy-install https://aws-codedeploy-${region}.s3.${region}.amazonaws.com/latest/install`,
    'chmod +x /tmp/codedeploy-install',
    'retry /tmp/codedeploy-install auto',
    'rm -f /tmp/codedeploy-install',
    'systemctl enable --now codedeploy-agent',
    'systemctl is-active --quiet codedeploy-agent',
    // The hooks install a logrotate rule for the service log; the timer is what runs logrotate daily.
    'systemctl enable --now logrotate.timer',
    'systemctl is-enabled --quiet logrotate.timer',
  );
  if (props.readiness !== undefined) userData.addCommands(...readinessCommands(props.readiness, region));
  return userData;
}

/**
 * Waits, bounded, until the service answers the version of the group's last successful deployment.
 * A group that does not exist yet (the stack's first create: it is created after the hosts) or
 * has never succeeded has no revision to wait for. Any other error fails the boot.
 */
export function readinessCommands(r: HostReadiness, region: string): string[] {
  const app = checkSafe('readiness.applicationName', r.applicationName);
  const group = checkSafe('readiness.deploymentGroupName', r.deploymentGroupName);
  if (!SAFE_URL.test(r.versionUrl)) {
    throw new Error(
      `hostUserData readiness.versionUrl: ${JSON.stringify(r.versionUrl)} is not allowed; expected an http(s) URL of letters, digits and . : _ / -`,
    );
  }
  if (!Number.isInteger(r.timeoutSeconds) || r.timeoutSeconds < 60) {
    throw new Error(
      `hostUserData readiness.timeoutSeconds: ${r.timeoutSeconds} is not allowed; expected a whole number of seconds >= 60`,
    );
  }
  return [
    'last_success() {',
    '  local out',
    `  if out=$(aws deploy get-deployment-group --region ${region} --application-name ${app} --deployment-group-name ${group} --query deploymentGroupInfo.lastSuccessfulDeployment.deploymentId --output text 2>&1); then echo "$out"; return 0; fi`,
    '  case "$out" in *ApplicationDoesNotExistException*|*DeploymentGroupDoesNotExistException*) echo None; return 0;; esac',
    '  echo "$out" >&2; return 1',
    '}',
    'deployment_id=$(retry last_success)',
    'if [ "$deployment_id" != None ]; then',
    `  key=$(retry aws deploy get-deployment --region ${region} --deployment-id "$deployment_id" --query deploymentInfo.revision.s3Location.key --output text)`,
    '  version=$(basename "$key" .zip)',
    `  deadline=$((SECONDS + ${r.timeoutSeconds}))`,
    `  until curl -fsk --max-time 5 ${r.versionUrl} | grep -qF "\\"version\\":\\"$version\\""; do`,
    '    if [ "$SECONDS" -ge "$deadline" ]; then echo "not serving $version after ' +
      String(r.timeoutSeconds) +
      ' s" >&2; exit 1; fi',
    '    sleep 10',
    '  done',
    'fi',
  ];
}
