// First-boot script of a host: Node, the service user and directories, the CloudWatch and CodeDeploy agents.
import { UserData } from 'aws-cdk-lib/aws-ec2';
import { CLOUD_WATCH_AGENT_CONFIG_PATH } from './cloud-watch-agent-config.js';

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
  readonly directories: { readonly root: string; readonly releases: string; readonly config: string; readonly tls: string; readonly logs: string };
  /** The CloudWatch agent configuration, already rendered to JSON (may contain CDK tokens). */
  readonly cloudWatchAgentConfigJson: string;
  /**
   * Attempts for each network step (package installs, agent download) before the boot fails.
   * @default 5
   */
  readonly attempts?: number;
}

const SAFE = /^[A-Za-z0-9._/-]+$/;

function checkSafe(field: string, value: string): string {
  if (!SAFE.test(value)) {
    throw new Error(`hostUserData ${field}: ${JSON.stringify(value)} is not allowed; expected letters, digits, '.', '_', '/' or '-' (it is used unquoted in a shell script)`);
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
    throw new Error(`hostUserData nodeMajor: ${props.nodeMajor} is not allowed; expected a Node major AL2023 packages, 20 or later`);
  }
  const region = checkSafe('region', props.region);
  const user = checkSafe('serviceUser', props.serviceUser);
  const nodeBin = checkSafe('nodeBin', props.nodeBin);
  const d = Object.fromEntries(Object.entries(props.directories).map(([k, v]) => [k, checkSafe(`directories.${k}`, v)])) as Record<keyof HostUserDataProps['directories'], string>;
  const major = props.nodeMajor;
  const userData = UserData.forLinux();
  userData.addCommands(
    'set -euo pipefail',
    `retry() { local n=1; until "$@"; do if [ "$n" -ge ${attempts} ]; then echo "gave up after $n attempts: $*" >&2; return 1; fi; sleep $((n * 10)); n=$((n + 1)); done; }`,
    // AL2023 installs each Node major as node-<major>; /usr/bin/node is an alternatives link we pin.
    // openssl makes the host certificate and logrotate rotates the service log (both used by the hooks).
    `retry dnf install -y nodejs${major} ruby amazon-cloudwatch-agent openssl logrotate`,
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
  );
  return userData;
}
