// Lambda handler: the Finalize state. Input: the plan output. Commits the job and writes the succeeded
// status with the job's figures; alerts when the outcome calls for it (check errors).
import { alertPublisher } from './lib/alerts.js';
import { readJobEnvironment } from './lib/env.js';
import { failOnward, type LambdaContext } from './lib/handler.js';
import { lambdaIdentity } from './lib/session.js';
import { finalizeStep } from './lib/steps.js';

const env = readJobEnvironment(process.env);
const deps = { env, identity: lambdaIdentity(process.env), now: () => new Date(), alerts: alertPublisher(env.alertTopicArn, process.env) };

export const handler = async (event: unknown, context?: LambdaContext): Promise<{ requestId: string; state: 'succeeded' | 'failed' }> => {
  try {
    return await finalizeStep(deps, event);
  } catch (err) {
    throw failOnward(err, 'finalize', context, event);
  }
};
