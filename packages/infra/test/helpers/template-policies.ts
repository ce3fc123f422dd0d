// IAM policy documents as they will exist in the account, read from synthesized templates: the
// intrinsics CDK emits for a known account and region resolved to literal ARNs.
import type { Template } from 'aws-cdk-lib/assertions';

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly Record<string, unknown>[];
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

export interface TemplatePolicies {
  /** Inline and managed-in-template policies of the role named `roleName`, resolved. */
  identityPolicies(roleName: string): { name: string; policy: PolicyDocument }[];
  /** ARNs of AWS managed policies attached to the role (not simulated: their documents are AWS's). */
  awsManagedPolicyArns(roleName: string): string[];
  /** The role's trust policy, resolved. */
  trustPolicy(roleName: string): PolicyDocument;
  /** The boundary ARN of a role, if any. */
  boundaryArn(roleName: string): string | undefined;
  /** A customer managed policy created in the template, by name. */
  managedPolicy(name: string): PolicyDocument;
  /** The logical id of the only role whose trust names `service` (e.g. ec2.amazonaws.com). */
  roleNameOfService(service: string): string;
}

export function templatePolicies(
  template: Template,
  env: { account: string; region: string; stackName: string },
): TemplatePolicies {
  const resources = (template.toJSON() as { Resources: Resources }).Resources;
  // Roles without a RoleName get one from CloudFormation, prefixed with the stack name.
  const roleName = (id: string): string =>
    (resources[id]?.Properties?.RoleName as string | undefined) ?? `${env.stackName}-${id}`;
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const v = value as Record<string, unknown>;
    if ('Ref' in v) {
      const ref = v.Ref as string;
      const pseudo: Record<string, string> = {
        'AWS::Partition': 'aws',
        'AWS::Region': env.region,
        'AWS::AccountId': env.account,
        'AWS::URLSuffix': 'amazonaws.com',
        'AWS::StackName': env.stackName,
        'AWS::StackId': `arn:aws:cloudformation:${env.region}:${env.account}:stack/${env.stackName}/00000000-0000-0000-0000-000000000000`,
      };
      if (ref in pseudo) return pseudo[ref];
      const r = resources[ref];
      if (r?.Type === 'AWS::IAM::ManagedPolicy')
        return `arn:aws:iam::${env.account}:policy/${String(r.Properties?.ManagedPolicyName)}`;
      if (r?.Type === 'AWS::IAM::Role') return roleName(ref);
      throw new Error(`unresolved Ref ${ref} (${r?.Type ?? 'unknown'})`);
    }
    if ('Fn::GetAtt' in v) {
      const [id, attribute] = v['Fn::GetAtt'] as [string, string];
      const r = resources[id];
      if (attribute === 'Arn' && r?.Type === 'AWS::IAM::Role')
        return `arn:aws:iam::${env.account}:role/${roleName(id)}`;
      if (attribute === 'Arn' && r?.Type === 'AWS::Logs::LogGroup')
        return `arn:aws:logs:${env.region}:${env.account}:log-group:${String(r.Properties?.LogGroupName)}:*`;
      throw new Error(`unresolved Fn::GetAtt ${id}.${attribute} (${r?.Type ?? 'unknown'})`);
    }
    if ('Fn::Join' in v) {
      const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map((p) => String(resolve(p))).join(separator);
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
  };
  const roleId = (name: string): string => {
    const id = Object.keys(resources).find((k) => resources[k]!.Type === 'AWS::IAM::Role' && roleName(k) === name);
    if (id === undefined) throw new Error(`no role named ${name} in ${env.stackName}`);
    return id;
  };
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  return {
    identityPolicies(name) {
      const id = roleId(name);
      const attached = ofType('AWS::IAM::Policy')
        .filter(([, p]) => (p.Properties?.Roles as { Ref: string }[]).some((r) => r.Ref === id))
        .map(([pid, p]) => ({ name: pid, policy: resolve(p.Properties?.PolicyDocument) as PolicyDocument }));
      const inline = (
        (resources[id]!.Properties?.Policies ?? []) as { PolicyName: string; PolicyDocument: unknown }[]
      ).map((p) => ({ name: p.PolicyName, policy: resolve(p.PolicyDocument) as PolicyDocument }));
      return [...attached, ...inline];
    },
    awsManagedPolicyArns(name) {
      return ((resources[roleId(name)]!.Properties?.ManagedPolicyArns ?? []) as unknown[]).map((a) =>
        String(resolve(a)),
      );
    },
    trustPolicy(name) {
      return resolve(resources[roleId(name)]!.Properties?.AssumeRolePolicyDocument) as PolicyDocument;
    },
    boundaryArn(name) {
      const b = resources[roleId(name)]!.Properties?.PermissionsBoundary;
      return b === undefined ? undefined : String(resolve(b));
    },
    managedPolicy(name) {
      const found = ofType('AWS::IAM::ManagedPolicy').find(([, p]) => p.Properties?.ManagedPolicyName === name);
      if (found === undefined) throw new Error(`no managed policy named ${name} in ${env.stackName}`);
      return resolve(found[1].Properties?.PolicyDocument) as PolicyDocument;
    },
    roleNameOfService(service) {
      const ids = ofType('AWS::IAM::Role')
        .filter(([, r]) => JSON.stringify(r.Properties?.AssumeRolePolicyDocument).includes(`"${service}"`))
        .map(([k]) => k);
      if (ids.length !== 1)
        throw new Error(`expected one role trusted by ${service} in ${env.stackName}, found ${ids.length}`);
      return roleName(ids[0]!);
    },
  };
}
