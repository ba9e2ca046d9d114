// Events and schedules: the custom bus, the rules that route maintenance requests to their state machine
// with the agreed input, the Scheduler schedules sending the same event, and missed-backup monitoring.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Match } from 'aws-cdk-lib/assertions';
import { render, synth } from './synth.js';

const plain = synth();
const withCopy = synth({
  'cairn:copyRepository': 's3:s3.amazonaws.com/offline-copy/home',
  'cairn:scheduleTimezone': 'Europe/Berlin',
  'cairn:schedules': { check: { options: { readDataSubset: '1/7' } } },
});
const rules = (t: typeof plain) => Object.entries(t.findResources('AWS::Events::Rule'));
const schedules = (t: typeof plain) => Object.values(t.findResources('AWS::Scheduler::Schedule'))
  .map((r) => r['Properties'] as Record<string, unknown> & { Target: Record<string, unknown> });

function ruleFor(t: typeof plain, jobs: string[]) {
  const found = rules(t).find(([, r]) => JSON.stringify(r['Properties']['EventPattern']['detail']?.['job']?.sort())
    === JSON.stringify([...jobs].sort()));
  assert.ok(found, `a rule for ${jobs.join('|')}`);
  return found[1]['Properties'] as Record<string, unknown> & { Targets: Record<string, unknown>[] };
}

describe('maintenance requests', () => {
  test('arrive on a custom bus', () => {
    plain.resourceCountIs('AWS::Events::EventBus', 1);
    for (const [id, r] of rules(plain)) assert.match(render(r['Properties']['EventBusName']), /^ref:EventsBus/, id);
  });

  test('forget and prune start the prune state machine; check the check one', () => {
    const pruneRule = ruleFor(plain, ['forget', 'prune']);
    assert.deepEqual(pruneRule['EventPattern'], {
      source: ['cairn.client', 'cairn.scheduler'],
      'detail-type': ['cairn.maintenance.requested'],
      detail: { job: ['forget', 'prune'] },
    });
    assert.match(render(pruneRule.Targets[0]?.['Arn']), /^ref:PruneJobStateMachine/);
    assert.match(render(ruleFor(plain, ['check']).Targets[0]?.['Arn']), /^ref:CheckJobStateMachine/);
  });

  test('copy is routed only when a copy target exists', () => {
    assert.ok(!rules(plain).some(([, r]) => JSON.stringify(r['Properties']['EventPattern']).includes('"copy"')));
    assert.match(render(ruleFor(withCopy, ['copy']).Targets[0]?.['Arn']), /^ref:CopyJobStateMachine/);
  });

  test('the execution input is { detail, eventId, time } through an input transformer', () => {
    const target = ruleFor(plain, ['check']).Targets[0] as { InputTransformer: { InputPathsMap: Record<string, string>;
      InputTemplate: string } };
    const paths = target.InputTransformer.InputPathsMap;
    assert.deepEqual(Object.values(paths).sort(), ['$.detail', '$.id', '$.time']);
    const byPath = Object.fromEntries(Object.entries(paths).map(([k, v]) => [v, k]));
    assert.equal(target.InputTransformer.InputTemplate,
      `{"detail":<${byPath['$.detail']}>,"eventId":<${byPath['$.id']}>,"time":<${byPath['$.time']}>}`);
  });
});

describe('schedules', () => {
  test('default to weekly forget+prune and a daily check with a read-data subset, no copy', () => {
    const all = schedules(plain).filter((s) => render(s.Target['Arn']).includes('EventsBus'));
    assert.equal(all.length, 2);
    const details = all.map((s) => JSON.parse(String(s.Target['Input'])) as { job: string; options: object });
    assert.deepEqual(details.map((d) => d.job).sort(), ['check', 'forget']);
    const forget = all[details.findIndex((d) => d.job === 'forget')];
    assert.match(String(forget?.['ScheduleExpression']), /SUN/);
    assert.equal((details.find((d) => d.job === 'forget')?.options as { prune?: boolean }).prune, true);
    assert.ok((details.find((d) => d.job === 'check')?.options as { readDataSubset?: string }).readDataSubset);
  });

  test('send cairn.maintenance.requested from cairn.scheduler to the bus, in the configured time zone', () => {
    const all = schedules(withCopy).filter((s) => render(s.Target['Arn']).includes('EventsBus'));
    assert.equal(all.length, 3);
    for (const s of all) {
      assert.deepEqual(s.Target['EventBridgeParameters'], { DetailType: 'cairn.maintenance.requested',
        Source: 'cairn.scheduler' });
      assert.equal(s['ScheduleExpressionTimezone'], 'Europe/Berlin');
    }
    const check = all.map((s) => JSON.parse(String(s.Target['Input']))).find((d) => d.job === 'check');
    assert.deepEqual(check, { job: 'check', options: { readDataSubset: '1/7' } });
  });

  test('a disabled schedule is not created', () => {
    const t = synth({ 'cairn:schedules': { prune: false } });
    const jobs = schedules(t).filter((s) => render(s.Target['Arn']).includes('EventsBus'))
      .map((s) => JSON.parse(String(s.Target['Input'])).job);
    assert.deepEqual(jobs, ['check']);
  });
});

describe('missed-backup monitoring', () => {
  test('cairn.backup.finished events from clients go to the monitor function', () => {
    const rule = rules(plain).find(([, r]) =>
      JSON.stringify(r['Properties']['EventPattern']).includes('cairn.backup.finished'));
    assert.ok(rule);
    assert.deepEqual(rule[1]['Properties']['EventPattern'], { source: ['cairn.client'],
      'detail-type': ['cairn.backup.finished'] });
    assert.match(render(rule[1]['Properties']['Targets'][0]['Arn']), /^arn:Monitor\w*Function/);
    plain.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com',
    });
  });

  test('an hourly schedule asks the monitor to look for silent hosts', () => {
    const hourly = schedules(plain).find((s) => render(s.Target['Arn']).includes('Monitor'));
    assert.ok(hourly);
    assert.equal(hourly['ScheduleExpression'], 'rate(1 hour)');
    assert.equal(JSON.parse(String(hourly.Target['Input']))['detail-type'], 'cairn.monitor.tick');
  });

  test('the monitor may only read and write host status, and publish alerts', () => {
    plain.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['s3:GetObject', 's3:PutObject'],
          Resource: { 'Fn::Join': ['', [Match.anyValue(), '/cairn/status/hosts/*']] },
        })]),
      },
    });
  });
});
