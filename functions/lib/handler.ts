// The common shell of every handler: the Lambda context type we rely on, and the one place where a step's
// failure is logged and turned into the error the state machine sees (TransientError to retry, the
// CairnError's own name and line otherwise).
import { forStateMachine } from './errors.js';
import { createLogger, describeError } from './log.js';

/** The part of Lambda's context object the handlers use. */
export interface LambdaContext {
  readonly awsRequestId?: string;
  getRemainingTimeInMillis(): number;
}

/** failOnward logs `err` with the invocation's id and returns the error to throw to Step Functions. */
export function failOnward(err: unknown, step: string, context: LambdaContext | undefined, input: unknown): Error {
  const out = forStateMachine(err);
  const requestId = (input as { requestId?: unknown; detail?: { requestId?: unknown } } | null)?.requestId
    ?? (input as { detail?: { requestId?: unknown } } | null)?.detail?.requestId;
  createLogger({ step, requestId, awsRequestId: context?.awsRequestId }).error(`${step} failed`, { ...describeError(err), thrownAs: out.name });
  return out;
}
