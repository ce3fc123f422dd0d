import t from 'tap';
import { awsPartition, deploymentConsoleUrl } from '../../src/aws/aws-partition.ts';

t.test('partitions and console links follow the region', (t) => {
  t.equal(awsPartition('eu-west-1'), 'aws');
  t.equal(awsPartition('cn-north-1'), 'aws-cn');
  t.equal(awsPartition('us-gov-west-1'), 'aws-us-gov');
  t.equal(
    deploymentConsoleUrl('eu-west-1', 'd-1'),
    'https://eu-west-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-1?region=eu-west-1',
  );
  t.match(deploymentConsoleUrl('cn-north-1', 'd-1'), 'https://cn-north-1.console.amazonaws.cn/');
  t.match(deploymentConsoleUrl('us-gov-west-1', 'd-1'), 'https://us-gov-west-1.console.amazonaws-us-gov.com/');
  t.end();
});
