// The CloudWatch log groups a stage's hosts ship to, created up front so retention is ours, not the agent's.
import { RemovalPolicy } from 'aws-cdk-lib';
import { LogGroup, type ILogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Which file on the host goes to which log group. */
export interface ShippedLogFile {
  readonly filePath: string;
  readonly logGroup: ILogGroup;
}

export interface HostLogGroupsProps {
  /** Log group names by purpose (from @hello/config/naming logGroupNames). */
  readonly names: {
    readonly service: string;
    readonly codeDeployAgent: string;
    readonly codeDeployDeployments: string;
  };
  /** Files shipped into each group. */
  readonly files: {
    readonly service: string;
    readonly codeDeployAgent: string;
    readonly codeDeployDeployments: string;
  };
  /** One of the values CloudWatch Logs accepts (validated in @hello/config). */
  readonly retentionDays: number;
}

/** Service and CodeDeploy agent log groups; kept after `cdk destroy` so an incident's logs survive teardown. */
export class HostLogGroups extends Construct {
  readonly shipped: readonly ShippedLogFile[];

  constructor(scope: Construct, id: string, props: HostLogGroupsProps) {
    super(scope, id);
    const group = (gid: string, logGroupName: string): ILogGroup =>
      new LogGroup(this, gid, {
        logGroupName,
        retention: props.retentionDays as RetentionDays,
        // Kept on delete and replacement, but removed when the first create rolls back, so a retry can reuse the fixed name.
        removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      });
    this.shipped = [
      { filePath: props.files.service, logGroup: group('Service', props.names.service) },
      { filePath: props.files.codeDeployAgent, logGroup: group('CodeDeployAgent', props.names.codeDeployAgent) },
      {
        filePath: props.files.codeDeployDeployments,
        logGroup: group('CodeDeployDeployments', props.names.codeDeployDeployments),
      },
    ];
  }
}
