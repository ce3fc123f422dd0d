import t from 'tap';
import { Template } from 'aws-cdk-lib/assertions';
import { Network } from '../../src/constructs/network.ts';
import { scratchStack, scratchVpc } from '../helpers/scratch-stack.ts';
import { HEALTH_CHECK } from '@hello/config/constants';
import { WebLoadBalancer } from '../../src/constructs/web-load-balancer.ts';
import { Duration } from 'aws-cdk-lib';
import { UserData, SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { ApplicationTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { WebFleet, type WebFleetProps } from '../../src/constructs/web-fleet.ts';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostUserData, readinessCommands, type HostUserDataProps } from '../../src/constructs/host-user-data.ts';
import { StageDomain } from '../../src/constructs/stage-domain.ts';

// Network's guards and CIDR; the configured VPCs are covered by the stage stack tests.
t.test('network.ts', async (t) => {
  t.test('one AZ is refused', async (t) => {
    t.throws(() => new Network(scratchStack(), 'N', { availabilityZones: ['us-east-1a'], natGateways: 1 }), {
      message:
        'Network availabilityZones: ["us-east-1a"] is not allowed; expected at least 2 AZs so the stage survives losing one',
    });
  });

  t.test('NAT gateways must be 1 to the number of AZs', async (t) => {
    for (const natGateways of [0, 3, 1.5]) {
      t.throws(
        () => new Network(scratchStack(), 'N', { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways }),
        {
          message: `Network natGateways: ${natGateways} is not allowed; expected 1 to 2 (the private subnets need egress)`,
        },
      );
    }
  });

  t.test('a custom CIDR is used', async (t) => {
    const stack = scratchStack();
    new Network(stack, 'N', { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways: 1, cidr: '10.8.0.0/16' });
    // Lets a stage avoid clashing with a network it is peered with.
    t.doesNotThrow(() =>
      Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.8.0.0/16' }),
    );
  });
});

// WebLoadBalancer's guard; its listeners are covered by the stage stack tests in both modes.
t.test('web-load-balancer.ts', async (t) => {
  t.test('a health check timeout must be shorter than its interval', async (t) => {
    const stack = scratchStack();
    // ELB rejects it at deploy time; failing at synth names the setting.
    t.throws(
      () =>
        new WebLoadBalancer(stack, 'W', {
          vpc: scratchVpc(stack),
          targetPort: 8443,
          healthCheckPath: '/healthz',
          idleTimeoutSeconds: 60,
          deregistrationDelaySeconds: 30,
          healthCheck: { ...HEALTH_CHECK, timeoutSeconds: 10, intervalSeconds: 10 },
        }),
      {
        message:
          'WebLoadBalancer healthCheck.timeoutSeconds: 10 is not allowed; expected less than intervalSeconds (10)',
      },
    );
  });
});

// WebFleet's guard and options; the configured fleet is covered by the stage stack tests.
t.test('web-fleet.ts', async (t) => {
  function props(stack: ReturnType<typeof scratchStack>, change: Partial<WebFleetProps> = {}): WebFleetProps {
    const vpc = scratchVpc(stack);
    return {
      vpc,
      instanceType: 't4g.small',
      capacity: { min: 1, max: 2 },
      scaling: { cpuPercent: 50 },
      healthCheckGracePeriod: Duration.minutes(60),
      servicePort: 8443,
      loadBalancerSecurityGroup: new SecurityGroup(stack, 'Lb', { vpc }),
      targetGroup: new ApplicationTargetGroup(stack, 'Tg', { vpc, port: 8443 }),
      releaseBucket: Bucket.fromBucketName(stack, 'B', 'release-bucket'),
      releasePrefix: 'releases/',
      userData: UserData.forLinux(),
      ...change,
    };
  }

  t.test('capacity must satisfy 1 <= min <= max, scaling needs a target', async (t) => {
    for (const capacity of [
      { min: 0, max: 2 },
      { min: 3, max: 2 },
    ]) {
      const stack = scratchStack();
      t.throws(() => new WebFleet(stack, 'F', props(stack, { capacity })), {
        message: `WebFleet capacity: ${JSON.stringify(capacity)} is not allowed; expected 1 <= min <= max`,
      });
    }
    const stack = scratchStack();
    t.throws(() => new WebFleet(stack, 'F', props(stack, { scaling: {} })), {
      message: 'WebFleet scaling: {} is not allowed; expected cpuPercent and/or requestsPerHostPerMinute',
    });
  });

  t.test('an x86 instance type gets the x86_64 AMI; grace period and volume size are honoured', async (t) => {
    const stack = scratchStack();
    new WebFleet(
      stack,
      'F',
      props(stack, { instanceType: 't3.small', healthCheckGracePeriod: Duration.seconds(120), rootVolumeGiB: 20 }),
    );
    const template = Template.fromStack(stack);
    // The AMI must match the CPU or instances never boot.
    t.match(Object.keys(template.toJSON().Parameters as object), [/al2023amikernel.*x8664/]);
    t.doesNotThrow(() => {
      // The load balancer's health check replaces hosts too, after the grace period.
      template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
        HealthCheckType: 'ELB',
        HealthCheckGracePeriod: 120,
      });
      template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
        LaunchTemplateData: {
          BlockDeviceMappings: [
            {
              DeviceName: '/dev/xvda',
              Ebs: { VolumeSize: 20, Encrypted: true, VolumeType: 'gp3', DeleteOnTermination: true },
            },
          ],
        },
      });
      // Even a one-host fleet keeps that host in service while a replacement starts (max 2 leaves room).
      template.hasResource('AWS::AutoScaling::AutoScalingGroup', {
        UpdatePolicy: { AutoScalingRollingUpdate: { MinInstancesInService: 1, MaxBatchSize: 1 } },
      });
    });
  });

  t.test('the signal timeout is bounded and used for creation and each replacement', async (t) => {
    for (const minutes of [4, 61]) {
      const stack = scratchStack();
      t.throws(() => new WebFleet(stack, 'F', props(stack, { signalTimeout: Duration.minutes(minutes) })), {
        message:
          /^WebFleet signalTimeout: .+ is not allowed; expected 5 to 60 minutes \(a first boot installs Node and two agents\)$/,
      });
    }
    const stack = scratchStack();
    const userData = UserData.forLinux();
    new WebFleet(stack, 'F', props(stack, { signalTimeout: Duration.minutes(30), userData }));
    t.doesNotThrow(() =>
      Template.fromStack(stack).hasResource('AWS::AutoScaling::AutoScalingGroup', {
        CreationPolicy: { ResourceSignal: { Count: 1, Timeout: 'PT30M' } },
        UpdatePolicy: { AutoScalingRollingUpdate: { WaitOnResourceSignals: true, PauseTime: 'PT30M' } },
      }),
    );
    // The user data reports its exit code to CloudFormation, whatever way it ends.
    t.match(userData.render(), /trap exitTrap EXIT/);
  });
});

// hostUserData's guards: values end up unquoted in a root shell script.
t.test('host-user-data.ts', async (t) => {
  const base: HostUserDataProps = {
    region: 'us-east-1',
    nodeMajor: 24,
    nodeBin: '/usr/bin/node',
    serviceUser: 'hello',
    directories: {
      root: '/opt/hello',
      releases: '/opt/hello/releases',
      config: '/etc/hello',
      tls: '/etc/hello/tls',
      logs: '/var/log/hello',
    },
    cloudWatchAgentConfigJson: '{}',
  };

  t.test('retries are configurable', async (t) => {
    // The retry loop gives up after the configured attempts.
    t.match(hostUserData({ ...base, attempts: 2 }).render(), 'if [ "$n" -ge 2 ]');
  });

  t.test('attempts must be a whole number >= 1', async (t) => {
    t.throws(() => hostUserData({ ...base, attempts: 0 }), {
      message: 'hostUserData attempts: 0 is not allowed; expected a whole number >= 1',
    });
  });

  t.test('Node majors without AL2023 packages are refused', async (t) => {
    t.throws(() => hostUserData({ ...base, nodeMajor: 18 }), { message: /hostUserData nodeMajor: 18 is not allowed/ });
  });

  t.test('shell metacharacters are refused', async (t) => {
    // A `;` in a value would run a second command as root on every host.
    t.throws(() => hostUserData({ ...base, serviceUser: 'x; rm -rf /' }), {
      message: /hostUserData serviceUser: "x; rm -rf \/" is not allowed/,
    });
    t.throws(() => hostUserData({ ...base, directories: { ...base.directories, logs: '/var/log/$(id)' } }), {
      message: /hostUserData directories.logs: .* is not allowed/,
    });
  });

  // The readiness wait runs under bash with stand-ins for `aws` and `curl` that answer like the real
  // ones: the AWS CLI prints the queried value as text (`None` for a missing one) or an error naming
  // the exception on stderr with a non-zero exit; curl -f fails on an HTTP error.
  t.test(
    'readiness: signal at once without a revision, after serving it otherwise, fail on other errors',
    async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'readiness-'));
      t.teardown(() => rmSync(dir, { recursive: true, force: true }));
      const readiness = {
        applicationName: 'shop-staging',
        deploymentGroupName: 'staging',
        versionUrl: 'https://127.0.0.1:8443/version',
        timeoutSeconds: 60,
      };
      const script = [
        'set -euo pipefail',
        'retry() { "$@"; }',
        ...readinessCommands(readiness, 'eu-west-1'),
        'echo READY',
      ].join('\n');
      const run = (aws: string, curl: string) => {
        writeFileSync(join(dir, 'aws'), `#!/bin/bash\necho "$*" >> ${dir}/calls\n${aws}\n`);
        writeFileSync(join(dir, 'curl'), `#!/bin/bash\necho "curl $*" >> ${dir}/calls\n${curl}\n`);
        chmodSync(join(dir, 'aws'), 0o755);
        chmodSync(join(dir, 'curl'), 0o755);
        writeFileSync(join(dir, 'calls'), '');
        const r = spawnSync('bash', ['-c', script], {
          encoding: 'utf8',
          env: { PATH: `${dir}:/usr/bin:/bin` },
          timeout: 20_000,
        });
        return {
          status: r.status,
          stdout: r.stdout,
          stderr: r.stderr,
          calls: spawnSync('cat', [join(dir, 'calls')], { encoding: 'utf8' }).stdout,
        };
      };
      // The stack's first create: the group does not exist yet.
      const first = run(
        'echo "An error occurred (DeploymentGroupDoesNotExistException) when calling the GetDeploymentGroup operation: No Deployment Group found for name: staging" >&2; exit 254',
        'exit 22',
      );
      t.equal(first.status, 0);
      t.match(first.stdout, 'READY');
      t.notMatch(first.calls, 'curl', 'nothing to wait for');
      // A group that has never succeeded: lastSuccessfulDeployment is absent.
      t.match(run('echo None', 'exit 22'), { status: 0, stdout: /READY/ });
      // A group with a revision: waits until the service answers that version.
      const served = run(
        'case "$*" in *get-deployment-group*) echo d-ABC123;; *get-deployment*) echo releases/4f1c0de.zip;; esac',
        'echo \'{"version":"4f1c0de","stage":"staging"}\'',
      );
      t.equal(served.status, 0);
      t.match(served.calls, '--deployment-id d-ABC123');
      t.match(served.calls, 'curl -fsk --max-time 5 https://127.0.0.1:8443/version');
      // Any other error (AccessDenied) fails the boot instead of signalling success.
      const denied = run(
        'echo "An error occurred (AccessDeniedException) when calling the GetDeploymentGroup operation" >&2; exit 254',
        'exit 22',
      );
      t.not(denied.status, 0);
      t.match(denied.stderr, 'AccessDeniedException');
      t.notMatch(denied.stdout, 'READY');
    },
  );

  t.test('readiness settings are checked like every other value', async (t) => {
    const readiness = {
      applicationName: 'a',
      deploymentGroupName: 'g',
      versionUrl: 'https://127.0.0.1:8443/version',
      timeoutSeconds: 600,
    };
    t.throws(() => hostUserData({ ...base, readiness: { ...readiness, versionUrl: 'https://x/$(id)' } }), {
      message: /readiness.versionUrl: .* is not allowed/,
    });
    t.throws(() => hostUserData({ ...base, readiness: { ...readiness, timeoutSeconds: 5 } }), {
      message: 'hostUserData readiness.timeoutSeconds: 5 is not allowed; expected a whole number of seconds >= 60',
    });
    t.throws(() => hostUserData({ ...base, readiness: { ...readiness, applicationName: 'a b' } }), {
      message: /readiness.applicationName/,
    });
    // The logrotate timer is enabled on every host.
    t.match(hostUserData(base).render(), 'systemctl enable --now logrotate.timer');
  });
});

// StageDomain's guard (config validation normally catches it first).
t.test('stage-domain.ts', async (t) => {
  t.test('a domain needs a hosted zone or a certificate', async (t) => {
    t.throws(() => new StageDomain(scratchStack(), 'D', { domain: { zoneName: 'example.com', subdomain: 'www' } }), {
      message: /StageDomain domain: .* is not allowed; expected hostedZoneId .* or certificateArn/,
    });
  });
});
