// Which SSM parameters the hosts of a stage read on every deployment, and into which variable of
// the service's contract: project.ts names them, the contract says what they hold.
import type { ProjectSettings, StageName } from './define-project.ts';
import { parameterPath } from './naming.ts';
import type { EnvContract } from './service-env.ts';

export interface StageParameter {
  /** The contract's variable it fills. */
  readonly variable: string;
  /** Its full SSM name, `/<name>/<stage>/<parameter>`. */
  readonly name: string;
  /** A SecureString whose value is never shown. */
  readonly secret: boolean;
  /** The contract has no default for the variable, so the parameter must exist. */
  readonly required: boolean;
}

export class StageParametersError extends Error {
  override readonly name = 'StageParametersError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(
      `the service's settings and secrets (packages/config/src/project.ts \`parameters\`) do not match its contract (packages/config/src/service-env.ts):\n  - ${problems.join('\n  - ')}`,
    );
    this.problems = problems;
  }
}

/**
 * The parameters of a stage in the contract's order. Throws when project.ts names a parameter
 * for a variable that is not a setting or secret of the contract, or names none for one that
 * has no default.
 */
export function stageParameters(
  contract: EnvContract,
  project: Pick<ProjectSettings, 'name' | 'parameters'>,
  stage: StageName,
): StageParameter[] {
  const named: Readonly<Record<string, string | undefined>> = project.parameters ?? {};
  const kinds = Object.entries(contract).filter(([, v]) => v.kind !== undefined);
  const problems: string[] = [];
  for (const variable of Object.keys(named)) {
    if (!kinds.some(([name]) => name === variable)) {
      problems.push(
        `parameters.${variable}: ${variable} is not a setting or secret of the contract; expected one of ${kinds.map(([name]) => name).join(', ') || '(none: the contract has no setting or secret)'}`,
      );
    }
  }
  const parameters: StageParameter[] = [];
  for (const [variable, v] of kinds) {
    const parameter = named[variable];
    const required = v.default === undefined;
    if (parameter === undefined) {
      if (required) {
        problems.push(
          `parameters.${variable}: missing; ${variable} is a ${v.kind} without a default, so project.ts must name its SSM parameter (e.g. ${variable}: '${variable.toLowerCase().replaceAll('_', '-')}')`,
        );
      }
      continue;
    }
    parameters.push({
      variable,
      name: `${parameterPath(project, stage)}${parameter}`,
      secret: v.kind === 'secret',
      required,
    });
  }
  if (problems.length > 0) throw new StageParametersError(problems);
  return parameters;
}

/** The command that puts a parameter's value (the value itself left for the person to fill in). */
export function putParameterCommand(parameter: StageParameter, region: string): string {
  const type = parameter.secret ? 'SecureString' : 'String';
  return `aws ssm put-parameter --region ${region} --name ${parameter.name} --type ${type} --overwrite --value <value>`;
}
