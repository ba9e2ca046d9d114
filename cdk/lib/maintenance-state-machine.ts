// One maintenance job as a Step Functions state machine: Plan → Distributed Map over the work list in S3 →
// Finalize → Succeed. Any failure goes to Failed (records status/<requestId>.json) → an SNS alert → Fail.
// The same construct serves forget+prune, check and copy; only the functions' behaviour differs by job.
//
// Input (from the EventBridge rule): { detail: {requestId?, job, options}, eventId, time }.
// Plan returns { requestId, job, options, workList: {bucket, key}, itemCount }; that object is also the
// input of the Map, of Finalize, and (plus `error`) of Failed when a later state fails.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import {
  DefinitionBody, DistributedMap, Errors, Fail, JitterType, JsonPath, LogLevel, S3JsonItemReader, StateMachine,
  StateMachineType, Succeed, TaskInput,
} from 'aws-cdk-lib/aws-stepfunctions';
import type { TaskStateBase } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke, SnsPublish } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { RepositoryStorage } from './repository-storage.js';

/** The error name a function throws for a failure worth retrying (storage hiccup, throttling). */
export const TRANSIENT_ERROR = 'TransientError';

/** Properties of {@link MaintenanceStateMachine}. */
export interface MaintenanceStateMachineProps {
  /** Short job name used in state names and alerts, e.g. "prune". */
  readonly jobName: string;
  /** Writes the work list, returns the plan output. */
  readonly plan: IFunction;
  /** Runs one work item `{ requestId, job, item }`. */
  readonly work: IFunction;
  /** Commits the job, given the plan output. */
  readonly finalize: IFunction;
  /** Records a failed status, given the failing state's input plus `error`. */
  readonly failed: IFunction;
  /** Where failures are announced. */
  readonly alertTopic: ITopic;
  /** Holds the work lists the Map reads. */
  readonly storage: RepositoryStorage;
  /** Work items run at once. @default 8 */
  readonly maxConcurrency?: number;
  /** Longest an execution may run. @default 24 hours */
  readonly timeout?: Duration;
  /** Retention of the execution log. @default one month */
  readonly logRetention?: RetentionDays;
}

/** A plan → work → finalize state machine with retries, a failure status and an alert. */
export class MaintenanceStateMachine extends Construct {
  /** The state machine. */
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: MaintenanceStateMachineProps) {
    super(scope, id);
    const job = props.jobName;

    // Failure path. The catch keeps the failing state's input (which carries the requestId, or the event for
    // Plan) and adds the error under $.error. Even if recording the status fails, the alert still goes out.
    const alert = new SnsPublish(this, 'Alert', {
      topic: props.alertTopic,
      subject: `cairn ${job} job failed`,
      message: TaskInput.fromText(JsonPath.jsonToString(JsonPath.objectAt('$'))),
      resultPath: JsonPath.DISCARD,
    });
    alert.next(new Fail(this, 'JobFailed', { error: 'JobFailed', cause: `the ${job} job failed; see its status` }));
    const recordFailure = new LambdaInvoke(this, 'RecordFailure', {
      lambdaFunction: props.failed,
      payloadResponseOnly: true,
      resultPath: JsonPath.DISCARD,
    });
    withRetries(recordFailure);
    recordFailure.addCatch(alert, { resultPath: '$.recordFailureError' });
    recordFailure.next(alert);
    const onError = { errors: [Errors.ALL], resultPath: '$.error' };

    const plan = new LambdaInvoke(this, 'Plan', {
      lambdaFunction: props.plan,
      // No payload: with payloadResponseOnly the function receives the state input as it is.
      payloadResponseOnly: true,
    });
    withRetries(plan).addCatch(recordFailure, onError);

    const workItem = new LambdaInvoke(this, 'WorkItem', {
      lambdaFunction: props.work,
      payloadResponseOnly: true,
    });
    withRetries(workItem);
    const map = new DistributedMap(this, 'Work', {
      itemReader: new S3JsonItemReader({
        bucketNamePath: JsonPath.stringAt('$.workList.bucket'),
        key: JsonPath.stringAt('$.workList.key'),
      }),
      itemSelector: {
        requestId: JsonPath.stringAt('$.requestId'),
        job: JsonPath.stringAt('$.job'),
        item: JsonPath.objectAt('$$.Map.Item.Value'),
      },
      maxConcurrency: props.maxConcurrency ?? 8,
      // Work items record their own results in S3; keeping them here would hit the 256 KiB state limit.
      resultPath: JsonPath.DISCARD,
      // Child executions must be STANDARD: a work item may run up to 15 minutes, past EXPRESS's 5.
      mapExecutionType: StateMachineType.STANDARD,
      label: job,
    });
    map.itemProcessor(workItem);
    map.addCatch(recordFailure, onError);

    const finalize = new LambdaInvoke(this, 'Finalize', {
      lambdaFunction: props.finalize,
      payloadResponseOnly: true,
    });
    withRetries(finalize).addCatch(recordFailure, onError);

    const definition = plan.next(map).next(finalize).next(new Succeed(this, 'Done'));
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(definition),
      timeout: props.timeout ?? Duration.hours(24),
      comment: `cairn ${job}: plan, work items in parallel, finalize`,
      logs: {
        destination: new LogGroup(this, 'Logs', {
          retention: props.logRetention,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        level: LogLevel.ERROR,
        includeExecutionData: false,
      },
    });
    // The Distributed Map reads the work list itself (the bucket name comes from the plan output, so CDK cannot
    // derive this grant).
    props.storage.grantControlRead(this.stateMachine);
  }
}

// Lambda service errors (throttling, 5xx) are retried by LambdaInvoke's defaults; TransientError is the
// functions' own signal for a storage failure that a later attempt may not meet.
function withRetries<T extends TaskStateBase>(task: T): T {
  task.addRetry({
    errors: [TRANSIENT_ERROR, 'Lambda.TooManyRequestsException'],
    interval: Duration.seconds(5),
    backoffRate: 2,
    maxAttempts: 6,
    maxDelay: Duration.minutes(2),
    jitterStrategy: JitterType.FULL,
  });
  return task;
}
