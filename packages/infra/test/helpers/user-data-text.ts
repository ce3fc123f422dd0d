// Renders a launch template's user data (Fn::Base64 of Fn::Join) to text, references as ${LogicalId}.
import type { Template } from 'aws-cdk-lib/assertions';

function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if ('Fn::Join' in v) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(flatten).join(separator);
  }
  if ('Ref' in v) return `\${${String(v.Ref)}}`;
  if ('Fn::GetAtt' in v) return `\${${(v['Fn::GetAtt'] as string[]).join('.')}}`;
  throw new Error(`unexpected intrinsic in user data: ${JSON.stringify(value)}`);
}

/** The user data script of the only launch template in `template`. */
export function userDataText(template: Template): string {
  const templates = Object.values(template.findResources('AWS::EC2::LaunchTemplate')) as {
    Properties: { LaunchTemplateData: { UserData: { 'Fn::Base64': unknown } } };
  }[];
  if (templates.length !== 1) throw new Error(`expected one launch template, found ${templates.length}`);
  return flatten(templates[0]!.Properties.LaunchTemplateData.UserData['Fn::Base64']);
}
