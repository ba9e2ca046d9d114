// Alerts: one SNS topic for everything a person should hear about (failed jobs, check errors, missed
// backups, broken functions), an optional email subscription, and the CloudWatch alarms that feed it.
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** Properties of {@link Alerts}. */
export interface AlertsProps {
  /** Email address subscribed to the topic (it must confirm the subscription). @default - no subscription */
  readonly email?: string;
}

/** The alert topic and helpers that attach alarms to it. */
export class Alerts extends Construct {
  /** The topic every alert goes to. */
  readonly topic: ITopic;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: AlertsProps = {}) {
    super(scope, id);
    const topic = new Topic(this, 'Topic', { displayName: 'cairn alerts', enforceSSL: true });
    if (props.email) topic.addSubscription(new EmailSubscription(props.email));
    this.topic = topic;
    this.action = new SnsAction(topic);
  }

  /**
   * Alarms when `fn` reports at least `threshold` errors within `period`. A function whose errors are retried
   * (the work items) deserves a higher threshold than one whose error ends a job.
   */
  alarmOnFunctionErrors(id: string, fn: IFunction, threshold = 1, period = Duration.minutes(5)): Alarm {
    const alarm = new Alarm(this, `${id}Errors`, {
      alarmDescription: `cairn: the ${id} function failed ${threshold}+ times in ${period.toMinutes()} minutes`,
      metric: fn.metricErrors({ period, statistic: 'Sum' }),
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    return alarm;
  }

  /** Alarms on failed and on timed-out executions of `sm` (a timeout skips the state machine's own alert). */
  alarmOnFailedExecutions(id: string, sm: IStateMachine): Alarm[] {
    const metrics = { Failed: sm.metricFailed(), TimedOut: sm.metricTimedOut() };
    return Object.entries(metrics).map(([what, metric]) => {
      const alarm = new Alarm(this, `${id}Executions${what}`, {
        alarmDescription: `cairn: a ${id} execution ${what === 'Failed' ? 'failed' : 'timed out'}`,
        metric: metric.with({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(this.action);
      return alarm;
    });
  }
}
