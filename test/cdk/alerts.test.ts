// Alerts: the SNS topic (TLS only, optional email), and CloudWatch alarms on function errors and on failed
// or timed-out executions, all notifying the topic.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { render, synth } from './synth.js';

const template = synth({ 'cairn:alertEmail': 'me@example.org' });
const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a['Properties']);

describe('alerts', () => {
  test('go to one topic, subscribed by email when configured', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'me@example.org' });
    synth().resourceCountIs('AWS::SNS::Subscription', 0);
  });

  test('the topic refuses plain-HTTP publishing', () => {
    const [policy] = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
    const statements = policy?.['Properties']['PolicyDocument']['Statement'] as Record<string, unknown>[];
    assert.ok(statements.some((s) => s['Effect'] === 'Deny'
      && JSON.stringify(s['Condition']).includes('"aws:SecureTransport":"false"')));
  });

  test('every function has an error alarm that notifies the topic', () => {
    const functions = Object.keys(template.findResources('AWS::Lambda::Function'));
    const watched = alarms.filter((a) => a['MetricName'] === 'Errors' && a['Namespace'] === 'AWS/Lambda')
      .map((a) => render((a['Dimensions'] as { Value: unknown }[])[0]?.Value).replace(/^ref:/, ''));
    assert.deepEqual(watched.sort(), functions.sort());
  });

  test('every state machine has alarms on failed and timed-out executions', () => {
    const machines = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'));
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      const watched = alarms.filter((a) => a['MetricName'] === metric)
        .map((a) => render((a['Dimensions'] as { Value: unknown }[])[0]?.Value).replace(/^ref:/, ''));
      assert.deepEqual(watched.sort(), machines.sort(), metric);
    }
  });

  test('all alarms notify the alert topic and ignore missing data', () => {
    assert.ok(alarms.length >= 9);
    for (const a of alarms) {
      assert.match(render((a['AlarmActions'] as unknown[])[0]), /^ref:AlertsTopic\w+$/);
      assert.equal(a['TreatMissingData'], 'notBreaching');
    }
  });

  test('functions may publish alerts (check errors, missed backups, forget guard)', () => {
    const text = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    assert.match(text, /"Action":"sns:Publish"/);
  });
});
