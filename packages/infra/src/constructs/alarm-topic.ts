// Where a stage's alarms and failure events reach a person: its own SNS topic with e-mail
// subscriptions, or an existing topic named in the settings.
import { Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IRuleTarget, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  /** Name of the topic the stage creates (ignored with existingTopicArn). */
  readonly topicName: string;
  /** Addresses subscribed by e-mail (only on a topic the stage creates). */
  readonly emails: readonly string[];
  /**
   * Publish to this topic instead; it must allow CloudWatch alarms and EventBridge to publish.
   * @default none: the stage creates topicName
   */
  readonly existingTopicArn?: string;
}

/** The topic, and the two ways things reach it: alarm state changes and EventBridge events. */
export class AlarmTopic extends Construct {
  readonly topic: ITopic;
  private readonly imported: boolean;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    if (props.existingTopicArn !== undefined && props.emails.length > 0) {
      throw new Error(
        `AlarmTopic emails: ${JSON.stringify(props.emails)} is not allowed with existingTopicArn; subscribe them on that topic`,
      );
    }
    this.imported = props.existingTopicArn !== undefined;
    if (props.existingTopicArn !== undefined) {
      this.topic = Topic.fromTopicArn(this, 'Topic', props.existingTopicArn);
    } else {
      const topic = new Topic(this, 'Topic', { topicName: props.topicName, enforceSSL: true });
      const { account, region, partition } = Stack.of(this);
      // CloudWatch publishes alarm notifications as a service; only for alarms of this account and region.
      topic.addToResourcePolicy(
        new PolicyStatement({
          sid: 'CloudWatchAlarms',
          principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['sns:Publish'],
          resources: [topic.topicArn],
          conditions: {
            StringEquals: { 'aws:SourceAccount': account },
            ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
          },
        }),
      );
      for (const email of props.emails) topic.addSubscription(new EmailSubscription(email));
      Validations.of(topic).acknowledge({
        id: 'AwsSolutions-SNS2',
        reason:
          'Alarm and event notices carry metric names, thresholds and ids, no data; CloudWatch cannot publish to a topic under the AWS managed key, and a customer key costs per stage. Bring an encrypted topic through alarms.topicArn if policy requires one.',
      });
      this.topic = topic;
    }
    this.action = new SnsAction(this.topic);
  }

  /** Sends the alarm's transitions to ALARM and back to OK. */
  notify(alarm: Alarm): void {
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
  }

  /**
   * An EventBridge target that publishes `message`. An existing topic's policy is not ours to
   * change, so EventBridge publishes to it through a role of the stage instead.
   */
  eventTarget(message: RuleTargetInput): IRuleTarget {
    return new SnsTopic(this.topic, { message, authorizeUsingRole: this.imported });
  }
}
