// The cairn stack: storage and secrets, the maintenance functions and their state machines (forget+prune,
// check, copy), the event bus with its rules and schedules, monitoring and alerts, and the backup-client
// policy. Each concern is its own construct; this file only wires them together and names the outputs.
import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { Alerts } from './alerts.js';
import { BackupClientPolicy } from './backup-client-policy.js';
import { BackupMonitor } from './backup-monitor.js';
import type { CairnConfig } from './config.js';
import { MaintenanceEvents } from './maintenance-events.js';
import { MaintenanceFunctions } from './maintenance-functions.js';
import type { CopyTarget } from './maintenance-functions.js';
import { MaintenanceStateMachine } from './maintenance-state-machine.js';
import { RepositorySecrets } from './repository-secrets.js';
import { RepositoryStorage } from './repository-storage.js';
import { MaintenanceSchedules } from './schedules.js';

/** Properties of {@link CairnStack}. */
export interface CairnStackProps extends StackProps {
  /** The validated deployment settings. */
  readonly config: CairnConfig;
}

/** Everything cairn runs in the cloud for one repository. */
export class CairnStack extends Stack {
  /** The state machines by job kind; copy only with a copy target. */
  readonly stateMachines: { readonly prune: IStateMachine; readonly check: IStateMachine; readonly copy?: IStateMachine };

  constructor(scope: Construct, id: string, props: CairnStackProps) {
    super(scope, id, props);
    const { config } = props;
    const copyTarget: CopyTarget | undefined = config.copyRepository && config.copyBucketName !== undefined
      ? { repositoryUrl: config.copyRepository, bucketName: config.copyBucketName, prefix: config.copyPrefix ?? '' }
      : undefined;

    const storage = new RepositoryStorage(this, 'Storage', {
      mode: config.storage,
      bucketName: config.bucketName,
      repositoryPrefix: config.repositoryPrefix,
      endpoint: config.endpoint,
      controlPrefix: config.controlPrefix,
      noncurrentVersionDays: config.noncurrentVersionDays,
      abortIncompleteUploadDays: config.abortIncompleteUploadDays,
    });
    const secrets = new RepositorySecrets(this, 'Secrets', { copyTarget: copyTarget !== undefined });
    const alerts = new Alerts(this, 'Alerts', { email: config.alertEmail });
    const functions = new MaintenanceFunctions(this, 'Functions', {
      storage,
      secrets,
      alertTopic: alerts.topic,
      copyTarget,
      maxDeleteShare: config.maxDeleteShare,
      logRetention: config.logRetentionDays,
    });
    const events = new MaintenanceEvents(this, 'Events');

    const stateMachine = (job: string) => {
      const id = job.charAt(0).toUpperCase() + job.slice(1);
      const sm = new MaintenanceStateMachine(this, `${id}Job`, {
        jobName: job,
        plan: functions.plan,
        work: functions.work,
        finalize: functions.finalize,
        failed: functions.failed,
        alertTopic: alerts.topic,
        storage,
        maxConcurrency: config.maxConcurrency,
        timeout: Duration.hours(config.executionTimeoutHours),
        logRetention: config.logRetentionDays,
      }).stateMachine;
      alerts.alarmOnFailedExecutions(`${id}Job`, sm);
      return sm;
    };
    const prune = stateMachine('prune');
    events.route('PruneRequested', ['forget', 'prune'], prune);
    const check = stateMachine('check');
    events.route('CheckRequested', ['check'], check);
    let copy: IStateMachine | undefined;
    if (copyTarget) {
      copy = stateMachine('copy');
      events.route('CopyRequested', ['copy'], copy);
    }
    this.stateMachines = { prune, check, copy };

    new MaintenanceSchedules(this, 'Schedules', {
      bus: events.bus,
      schedules: {
        prune: config.schedules.prune,
        check: config.schedules.check,
        // A copy schedule without a copy target would only produce events no rule matches.
        ...(copyTarget ? { copy: config.schedules.copy } : {}),
      },
      timezone: config.scheduleTimezone,
    });
    const monitor = new BackupMonitor(this, 'Monitor', {
      bus: events.bus,
      storage,
      alertTopic: alerts.topic,
      missedBackupHours: config.missedBackupHours,
      logRetention: config.logRetentionDays,
    });

    for (const { id, fn } of functions.all) {
      // Work items are retried by the state machine: alarm on a burst, not on one transient failure.
      if (id === 'Work') alerts.alarmOnFunctionErrors(id, fn, 10, Duration.minutes(15));
      else alerts.alarmOnFunctionErrors(id, fn);
    }
    alerts.alarmOnFunctionErrors('Monitor', monitor.function);

    const client = new BackupClientPolicy(this, 'BackupClient', {
      storage,
      bus: events.bus,
      writeOnly: config.writeOnlyClient,
      createUser: config.backupUser,
    });

    new CfnOutput(this, 'EventBusName', { value: events.bus.eventBusName, description: 'cairn remote --bus' });
    new CfnOutput(this, 'ControlBucket', { value: storage.controlBucket.bucketName });
    new CfnOutput(this, 'ControlPrefix', { value: storage.controlPrefix });
    new CfnOutput(this, 'RepositoryUrl', { value: storage.repositoryUrl, description: 'cairn -r / CAIRN_REPOSITORY' });
    new CfnOutput(this, 'BackupClientPolicyArn', { value: client.policy.managedPolicyArn });
    new CfnOutput(this, 'AlertTopicArn', { value: alerts.topic.topicArn });
    new CfnOutput(this, 'PasswordSecretArn', { value: secrets.password.secretArn });
    if (storage.storageSecret) new CfnOutput(this, 'StorageSecretArn', { value: storage.storageSecret.secretArn });
    if (secrets.copyPassword) new CfnOutput(this, 'CopyPasswordSecretArn', { value: secrets.copyPassword.secretArn });
    if (client.user) new CfnOutput(this, 'BackupUserName', { value: client.user.userName });
  }
}
