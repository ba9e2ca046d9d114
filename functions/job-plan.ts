// Lambda handler: the Plan state. Input `{detail, eventId, time}` from the EventBridge rule; output
// `{requestId, job, options, workList: {bucket, key}, itemCount}` for the Distributed Map and Finalize.
import { alertPublisher } from './lib/alerts.js';
import { readJobEnvironment } from './lib/env.js';
import { failOnward, type LambdaContext } from './lib/handler.js';
import type { PlanOutput } from './lib/events.js';
import { lambdaIdentity } from './lib/session.js';
import { planStep } from './lib/steps.js';

const env = readJobEnvironment(process.env);
const deps = { env, identity: lambdaIdentity(process.env), now: () => new Date(), alerts: alertPublisher(env.alertTopicArn, process.env) };

export const handler = async (event: unknown, context?: LambdaContext): Promise<PlanOutput> => {
  try {
    return await planStep(deps, event);
  } catch (err) {
    throw failOnward(err, 'plan', context, event);
  }
};
