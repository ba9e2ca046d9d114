// Lambda handler: the RecordFailure state. Input: the failing state's input (the execution input, or the
// plan output) plus `error: {Error, Cause}`. Writes the failed status; the state machine sends the alert.
import type { JobStatus } from '../shared/control/index.js';
import { readJobEnvironment } from './lib/env.js';
import { failOnward, type LambdaContext } from './lib/handler.js';
import { lambdaIdentity } from './lib/session.js';
import { failedStep } from './lib/steps.js';

const env = readJobEnvironment(process.env);
const deps = { env, identity: lambdaIdentity(process.env), now: () => new Date(), alerts: undefined };

export const handler = async (event: unknown, context?: LambdaContext): Promise<JobStatus | undefined> => {
  try {
    return await failedStep(deps, event);
  } catch (err) {
    throw failOnward(err, 'failed', context, event);
  }
};
