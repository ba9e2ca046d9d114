// The Lambda functions: runtime and architecture, sizing, log retention, and the environment contract with
// functions/ (variable names and what they point at).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { render, synth } from './synth.js';

const withCopy = synth({
  'cairn:copyRepository': 's3:s3.amazonaws.com/offline-copy/home',
  'cairn:logRetentionDays': 90,
  'cairn:maxDeleteShare': 0.25,
  'cairn:missedBackupHours': 36,
});
const functions = Object.entries(withCopy.findResources('AWS::Lambda::Function'));
const byName = (fragment: string) => {
  const found = functions.filter(([id]) => id.includes(fragment));
  assert.equal(found.length, 1, `one function named like ${fragment}`);
  return found[0]?.[1]['Properties'] as Record<string, unknown>;
};
const env = (fragment: string) => (byName(fragment)['Environment'] as { Variables: Record<string, unknown> }).Variables;

describe('every function', () => {
  test('there are five: plan, work, finalize, failed, monitor', () => {
    assert.equal(functions.length, 5);
    for (const name of ['FunctionsPlan', 'FunctionsWork', 'FunctionsFinalize', 'FunctionsFailed', 'Monitor']) {
      byName(name);
    }
  });

  test('runs Node.js 22 or 24 on arm64', () => {
    for (const [id, r] of functions) {
      assert.match(String(r['Properties']['Runtime']), /^nodejs(22|24)\.x$/, id);
      assert.deepEqual(r['Properties']['Architectures'], ['arm64'], id);
    }
  });

  test('loads the ESM bundle (index.mjs) through index.handler and logs JSON', () => {
    for (const [id, r] of functions) {
      assert.equal(r['Properties']['Handler'], 'index.handler', id);
      assert.equal(r['Properties']['LoggingConfig']['LogFormat'], 'JSON', id);
    }
  });

  test('writes to its own log group with the configured retention', () => {
    const groups = withCopy.findResources('AWS::Logs::LogGroup');
    for (const [id, r] of functions) {
      const group = render(r['Properties']['LoggingConfig']['LogGroup']).replace(/^ref:/, '');
      assert.equal(groups[group]?.['Properties']['RetentionInDays'], 90, id);
    }
    for (const [id, g] of Object.entries(groups)) assert.equal(g['Properties']['RetentionInDays'], 90, id);
  });

  test('is sized for its work: 15 minutes for plan, work items and finalize', () => {
    for (const name of ['FunctionsPlan', 'FunctionsWork', 'FunctionsFinalize']) {
      assert.equal(byName(name)['Timeout'], 900, name);
      assert.ok(Number(byName(name)['MemorySize']) >= 2048, name);
    }
    assert.ok(Number(byName('FunctionsFailed')['Timeout']) <= 60);
    assert.ok(Number(byName('Monitor')['Timeout']) <= 60);
  });
});

describe('the environment contract', () => {
  test('job functions get the repository, secrets by ARN, control location, alerts, copy target and guard', () => {
    for (const name of ['FunctionsPlan', 'FunctionsWork', 'FunctionsFinalize', 'FunctionsFailed']) {
      const vars = env(name);
      assert.deepEqual(Object.keys(vars).sort(), [
        'ALERT_TOPIC_ARN', 'CONTROL_BUCKET', 'CONTROL_PREFIX', 'COPY_PASSWORD_SECRET_ARN', 'COPY_REPOSITORY',
        'MAX_DELETE_SHARE', 'PASSWORD_SECRET_ARN', 'REPOSITORY',
      ], name);
      assert.match(render(vars['PASSWORD_SECRET_ARN']), /^ref:SecretsPassword\w+$/);
      assert.match(render(vars['COPY_PASSWORD_SECRET_ARN']), /^ref:SecretsCopyPassword\w+$/);
      assert.equal(vars['COPY_REPOSITORY'], 's3:s3.amazonaws.com/offline-copy/home');
      assert.match(render(vars['ALERT_TOPIC_ARN']), /^ref:AlertsTopic\w+$/);
      assert.equal(vars['MAX_DELETE_SHARE'], '0.25');
    }
  });

  test('the monitor gets the control location, the alert topic and MISSED_BACKUP_HOURS only', () => {
    const vars = env('Monitor');
    assert.deepEqual(Object.keys(vars).sort(), ['ALERT_TOPIC_ARN', 'CONTROL_BUCKET', 'CONTROL_PREFIX',
      'MISSED_BACKUP_HOURS']);
    assert.equal(vars['MISSED_BACKUP_HOURS'], '36');
  });

  test('without a copy target there is no COPY_* variable', () => {
    const plain = synth();
    for (const r of Object.values(plain.findResources('AWS::Lambda::Function'))) {
      const names = Object.keys(r['Properties']['Environment']['Variables'] as object);
      assert.ok(!names.some((n) => n.startsWith('COPY_')), names.join(','));
    }
  });
});
