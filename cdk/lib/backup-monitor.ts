// Missed-backup monitoring: clients put `cairn.backup.finished` events on the bus, the monitor function
// records each host's last backup under <controlPrefix>status/hosts/<host>.json, and an hourly schedule has
// it look for hosts silent for longer than MISSED_BACKUP_HOURS and alert. It runs under its own small role:
// it reads and writes host status, publishes alerts, and can touch nothing in the repository.
import { Duration } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CairnFunction } from './cairn-function.js';
import { BACKUP_FINISHED } from './maintenance-events.js';
import type { RepositoryStorage } from './repository-storage.js';

/** detail-type of the hourly tick the monitor receives from the scheduler. */
export const MONITOR_TICK = 'cairn.monitor.tick';

/** Properties of {@link BackupMonitor}. */
export interface BackupMonitorProps {
  /** The bus clients send `cairn.backup.finished` to. */
  readonly bus: IEventBus;
  /** The control bucket and prefix, where host status is kept. */
  readonly storage: RepositoryStorage;
  /** Where missed backups are announced. */
  readonly alertTopic: ITopic;
  /** Hours without a finished backup before a host is reported. @default 26 */
  readonly missedBackupHours?: number;
  /** Log retention. @default one month */
  readonly logRetention?: RetentionDays;
}

/** The monitor function, its rule and its hourly schedule. */
export class BackupMonitor extends Construct {
  /** The monitor function. */
  readonly function: IFunction;

  constructor(scope: Construct, id: string, props: BackupMonitorProps) {
    super(scope, id);
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'cairn monitor: host status and alerts only',
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
    });
    props.storage.grantControlReadWrite(role, 'status/hosts/');
    props.alertTopic.grantPublish(role);
    this.function = new CairnFunction(this, 'Monitor', {
      entry: 'functions/monitor.ts',
      description: 'cairn: record finished backups and report hosts that missed theirs',
      role,
      memorySize: 256,
      timeout: Duration.minutes(1),
      environment: {
        CONTROL_BUCKET: props.storage.controlBucket.bucketName,
        CONTROL_PREFIX: props.storage.controlPrefix,
        ALERT_TOPIC_ARN: props.alertTopic.topicArn,
        MISSED_BACKUP_HOURS: String(props.missedBackupHours ?? 26),
      },
      logRetention: props.logRetention,
    }).function;

    new Rule(this, 'BackupFinished', {
      eventBus: props.bus,
      description: 'cairn: record each finished backup',
      eventPattern: { source: ['cairn.client'], detailType: [BACKUP_FINISHED] },
      targets: [new LambdaFunction(this.function, { retryAttempts: 8 })],
    });
    // Shaped like an EventBridge event so the handler tells the two inputs apart by detail-type alone.
    new Schedule(this, 'Hourly', {
      description: 'cairn: look for hosts with no recent backup',
      schedule: ScheduleExpression.rate(Duration.hours(1)),
      target: new LambdaInvoke(this.function, {
        input: ScheduleTargetInput.fromObject({ source: 'cairn.scheduler', 'detail-type': MONITOR_TICK, detail: {} }),
        retryAttempts: 2,
      }),
    });
  }
}
