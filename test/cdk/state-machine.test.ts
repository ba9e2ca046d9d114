// The maintenance state machines: plan → Distributed Map over the S3 work list → finalize, with retries,
// a catch on every state that records the failure and alerts, and the IAM a Distributed Map needs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { render, statements, synth } from './synth.js';

type State = Record<string, unknown> & { Type: string; Next?: string };
type Definition = { StartAt: string; States: Record<string, State>; TimeoutSeconds?: number };

const template = synth({ 'cairn:maxConcurrency': 12, 'cairn:copyRepository': 's3:s3.amazonaws.com/offline-copy' });
const machines = Object.entries(template.findResources('AWS::StepFunctions::StateMachine'));
const definitions = new Map(machines.map(([id, r]) =>
  [id, JSON.parse(render(r['Properties']['DefinitionString'])) as Definition]));
const prune = [...definitions].find(([id]) => id.startsWith('PruneJob'))?.[1] as Definition;
const retries = (state: State | undefined) => (state?.['Retry'] ?? []) as Record<string, unknown>[];

describe('the maintenance state machines', () => {
  test('there is one per job: prune, check, and copy when a copy target exists', () => {
    assert.deepEqual(machines.map(([id]) => id.replace(/StateMachine\w+$/, '')).sort(),
      ['CheckJob', 'CopyJob', 'PruneJob']);
    for (const [, r] of machines) assert.equal(r['Properties']['StateMachineType'], 'STANDARD');
    synth().resourceCountIs('AWS::StepFunctions::StateMachine', 2);
  });

  test('run Plan → Work → Finalize → Done', () => {
    for (const [id, d] of definitions) {
      assert.equal(d.StartAt, 'Plan', id);
      assert.equal(d.States['Plan']?.Next, 'Work', id);
      assert.equal(d.States['Work']?.Next, 'Finalize', id);
      assert.equal(d.States['Finalize']?.Next, 'Done', id);
      assert.equal(d.States['Done']?.Type, 'Succeed', id);
      assert.ok(d.TimeoutSeconds, `${id} has an execution timeout`);
    }
  });

  test('Plan and Finalize pass the state input unchanged and keep only the payload', () => {
    for (const name of ['Plan', 'Finalize']) {
      const state = prune.States[name] as State;
      assert.match(String(state['Resource']), /^arn:Functions(Plan|Finalize)Function\w+$/, name);
      // Invoking the function ARN directly is payloadResponseOnly; no Parameters means "the whole input".
      assert.equal(state['Parameters'], undefined, name);
    }
  });

  test('Work is a Distributed Map reading the JSON work list at workList.bucket/workList.key', () => {
    const work = prune.States['Work'] as State;
    assert.equal(work.Type, 'Map');
    const processor = work['ItemProcessor'] as { ProcessorConfig: Record<string, string>; StartAt: string;
      States: Record<string, State> };
    assert.deepEqual(processor.ProcessorConfig, { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    assert.deepEqual(work['ItemReader'], {
      Resource: 'arn:ref:AWS::Partition:states:::s3:getObject',
      ReaderConfig: { InputType: 'JSON' },
      Parameters: { 'Bucket.$': '$.workList.bucket', 'Key.$': '$.workList.key' },
    });
    assert.deepEqual(work['ItemSelector'], { 'requestId.$': '$.requestId', 'job.$': '$.job',
      'item.$': '$$.Map.Item.Value' });
    assert.equal(work['MaxConcurrency'], 12);
    assert.equal(work['ResultPath'], null);
    const item = processor.States[processor.StartAt] as State;
    assert.match(String(item['Resource']), /^arn:FunctionsWorkFunction\w+$/);
  });

  test('every task retries TransientError and Lambda service errors with backoff', () => {
    const tasks = [prune.States['Plan'], prune.States['Finalize'], prune.States['RecordFailure'],
      Object.values((prune.States['Work']?.['ItemProcessor'] as { States: Record<string, State> }).States)[0]];
    for (const task of tasks) {
      const errors = retries(task).flatMap((r) => r['ErrorEquals'] as string[]);
      assert.ok(errors.includes('TransientError'), JSON.stringify(task));
      assert.ok(errors.includes('Lambda.ServiceException'));
      assert.ok(errors.includes('Lambda.TooManyRequestsException'));
      for (const r of retries(task)) assert.ok(Number(r['BackoffRate']) > 1 && Number(r['MaxAttempts']) > 1);
    }
  });

  test('a failure anywhere keeps the input, adds $.error, records it, alerts, and fails', () => {
    for (const name of ['Plan', 'Work', 'Finalize']) {
      assert.deepEqual(prune.States[name]?.['Catch'], [
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' },
      ], name);
    }
    const record = prune.States['RecordFailure'] as State;
    assert.match(String(record['Resource']), /^arn:FunctionsFailedFunction\w+$/);
    assert.equal(record['ResultPath'], null);
    assert.equal(record.Next, 'Alert');
    // If recording the status itself fails, the alert still goes out.
    assert.equal((record['Catch'] as { Next: string }[])[0]?.Next, 'Alert');
    const alert = prune.States['Alert'] as State;
    assert.equal(alert['Resource'], 'arn:ref:AWS::Partition:states:::sns:publish');
    const params = alert['Parameters'] as Record<string, string>;
    assert.match(params['TopicArn'] ?? '', /^ref:AlertsTopic\w+$/);
    assert.equal(params['Message.$'], 'States.JsonToString($)');
    assert.equal(alert.Next, 'JobFailed');
    assert.equal(prune.States['JobFailed']?.Type, 'Fail');
  });

  test('the state machine role can start its own child executions and read the work lists', () => {
    for (const [id] of machines) {
      const role = Object.keys(template.findResources('AWS::IAM::Role')).find((r) =>
        r.startsWith(id.replace(/StateMachine\w+$/, 'StateMachineRole')));
      const mine = statements(template).filter((s) => s.owner === role);
      assert.ok(mine.some((s) => s.actions.includes('states:StartExecution') && s.resources.includes(`ref:${id}`)), id);
      assert.ok(mine.some((s) => s.actions.includes('s3:GetObject')
        && s.resources.every((r) => /^arn:StorageRepositoryBucket\w+\/cairn\/\*$/.test(r))), id);
    }
  });

  test('execution errors are logged with a retention', () => {
    for (const [id, r] of machines) {
      const logging = r['Properties']['LoggingConfiguration'] as { Level: string } | undefined;
      assert.equal(logging?.Level, 'ERROR', id);
    }
  });
});
