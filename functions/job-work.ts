// Lambda handler: one work item of the Distributed Map. Input `{requestId, job, item: {n, item}}`; the
// result goes to the control bucket (the Map discards outputs), so the return value is only a receipt.
import { alertPublisher } from './lib/alerts.js';
import { readJobEnvironment } from './lib/env.js';
import { failOnward, type LambdaContext } from './lib/handler.js';
import { lambdaIdentity } from './lib/session.js';
import { workStep } from './lib/steps.js';

const env = readJobEnvironment(process.env);
const deps = { env, identity: lambdaIdentity(process.env), now: () => new Date(), alerts: alertPublisher(env.alertTopicArn, process.env) };

export const handler = async (event: unknown, context?: LambdaContext): Promise<{ requestId: string; n: number }> => {
  try {
    return await workStep(deps, event, context ? () => context.getRemainingTimeInMillis() : undefined);
  } catch (err) {
    throw failOnward(err, 'work', context, event);
  }
};
