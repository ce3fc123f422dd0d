// The ARN partition and console domain of a region, so ARNs and links also work outside `aws`.

export function awsPartition(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** Link to a CodeDeploy deployment in the AWS console. */
export function deploymentConsoleUrl(region: string, deploymentId: string): string {
  const domain =
    awsPartition(region) === 'aws-cn'
      ? 'console.amazonaws.cn'
      : awsPartition(region) === 'aws-us-gov'
        ? 'console.amazonaws-us-gov.com'
        : 'console.aws.amazon.com';
  return `https://${region}.${domain}/codesuite/codedeploy/deployments/${encodeURIComponent(deploymentId)}?region=${region}`;
}
