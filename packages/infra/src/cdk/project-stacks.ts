// Every stack the setup creates for a project, in the order a teardown deletes them, with the
// stacks each one needs while it exists.
import { STAGE_NAMES, type ProjectSettings } from '@hello/config/define-project';
import { bootstrapStackName, foundationStackName, stageStackName } from '@hello/config/naming';

type Project = Pick<ProjectSettings, 'name' | 'aws' | 'github'>;

export interface ProjectStack {
  readonly name: string;
  /** `app` stacks are in the CDK app (cdk deploy/destroy); `bootstrap` stacks are made by `cdk bootstrap`. */
  readonly kind: 'app' | 'bootstrap';
  /** Stacks that must outlive this one. */
  readonly needs: readonly string[];
}

/**
 * Stage stacks first: CloudFormation deletes each with its bootstrap's execution role, and their
 * roles carry the foundation's permissions boundary. Then the bootstrap stacks, whose execution
 * roles carry the foundation's execution policy and boundary. The foundation last.
 */
export function projectStacks(project: Project): ProjectStack[] {
  const foundation = foundationStackName(project);
  return [
    ...STAGE_NAMES.map((stage) => ({
      name: stageStackName(project, stage),
      kind: 'app' as const,
      needs: [bootstrapStackName(project, stage), foundation],
    })),
    ...STAGE_NAMES.map((stage) => ({
      name: bootstrapStackName(project, stage),
      kind: 'bootstrap' as const,
      needs: [foundation],
    })),
    { name: foundation, kind: 'app', needs: [] },
  ];
}

/** The app's stacks (what cdk diff and deploy take), foundation first. */
export function appStackNames(project: Project): string[] {
  return [foundationStackName(project), ...STAGE_NAMES.map((stage) => stageStackName(project, stage))];
}
