// Test support: runs a maintenance state machine's definition (the ASL the CDK app synthesizes) the way
// Step Functions would, for the few constructs it uses: Task (Lambda with payloadResponseOnly, SNS
// publish), a Distributed Map reading its items from S3 with an ItemSelector, Retry on TransientError,
// Catch with ResultPath, Succeed and Fail. So the handlers get exactly the inputs the definition builds.
import { synth, render } from '../../cdk/synth.js';

/** A state of the definition (only the fields used here). */
interface State {
  Type: string;
  Next?: string;
  End?: boolean;
  Resource?: string;
  ResultPath?: string | null;
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[];
  Catch?: { ErrorEquals: string[]; ResultPath?: string; Next: string }[];
  ItemSelector?: Record<string, string>;
  ItemReader?: { Parameters: Record<string, string> };
  ItemProcessor?: Definition;
  Parameters?: Record<string, unknown>;
}
export interface Definition {
  StartAt: string;
  States: Record<string, State>;
}

/** A failed Lambda invocation as Step Functions sees it. */
export class TaskFailure extends Error {
  constructor(readonly errorType: string, readonly errorMessage: string) {
    super(`${errorType}: ${errorMessage}`);
  }
}

/** The environment an execution runs in: Lambda invocations by the function's logical id, S3 reads, SNS. */
export interface Runtime {
  /** Invokes the Lambda whose logical id is `functionId`; throws TaskFailure for a function error. */
  lambda(functionId: string, payload: unknown): Promise<unknown>;
  readJson(bucket: string, key: string): Promise<unknown>;
  publish(message: string): void;
}

/** The outcome of an execution, and every state it passed through, in order. */
export interface Execution {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly output: unknown;
  readonly trail: string[];
}

/** maintenanceDefinitions synthesizes the stack (with a copy target) and returns its three definitions. */
export function maintenanceDefinitions(): Record<'Prune' | 'Check' | 'Copy', Definition> {
  const template = synth({ 'cairn:copyRepository': 's3:s3.amazonaws.com/cairn-copy/copy' });
  const machines = Object.entries(template.findResources('AWS::StepFunctions::StateMachine'));
  const pick = (job: string): Definition => {
    const entry = machines.find(([id]) => id.startsWith(`${job}Job`));
    if (!entry) throw new Error(`no ${job} state machine in the template`);
    return JSON.parse(render(entry[1]['Properties']['DefinitionString'])) as Definition;
  };
  return { Prune: pick('Prune'), Check: pick('Check'), Copy: pick('Copy') };
}

function readPath(path: string, input: unknown, context: unknown): unknown {
  const [root, ...parts] = path.split('.');
  let value: unknown = root === '$$' ? context : input;
  for (const p of parts) value = (value as Record<string, unknown> | undefined)?.[p];
  return value;
}

function applyResult(input: unknown, resultPath: string | null | undefined, result: unknown): unknown {
  if (resultPath === null) return input;
  if (resultPath === undefined || resultPath === '$') return result;
  const key = resultPath.replace(/^\$\./, '');
  return { ...(input as Record<string, unknown>), [key]: result };
}

const matches = (errors: string[], type: string): boolean => errors.includes('States.ALL') || errors.includes(type);

/** runExecution runs `definition` on `input`; retries are immediate (no waiting in tests). */
export async function runExecution(definition: Definition, input: unknown, rt: Runtime, trail: string[] = []): Promise<Execution> {
  let name = definition.StartAt;
  let data = input;
  for (;;) {
    const state = definition.States[name];
    if (!state) throw new Error(`no state ${name}`);
    trail.push(name);
    if (state.Type === 'Succeed') return { status: 'SUCCEEDED', output: data, trail };
    if (state.Type === 'Fail') return { status: 'FAILED', output: data, trail };
    let result: unknown;
    try {
      result = await runState(state, data, rt, trail);
    } catch (err) {
      const failure = err instanceof TaskFailure ? err : new TaskFailure('States.Runtime', (err as Error).message);
      const handler = state.Catch?.find((c) => matches(c.ErrorEquals, failure.errorType));
      if (!handler) return { status: 'FAILED', output: { Error: failure.errorType, Cause: failure.errorMessage }, trail };
      // A Lambda error's Cause is the runtime's JSON, as Step Functions passes it on.
      const cause = JSON.stringify({ errorType: failure.errorType, errorMessage: failure.errorMessage, trace: [] });
      data = applyResult(data, handler.ResultPath, { Error: failure.errorType, Cause: cause });
      name = handler.Next;
      continue;
    }
    data = applyResult(data, state.ResultPath, result);
    if (state.End || !state.Next) return { status: 'SUCCEEDED', output: data, trail };
    name = state.Next;
  }
}

async function runState(state: State, data: unknown, rt: Runtime, trail: string[]): Promise<unknown> {
  if (state.Type === 'Map') {
    const p = state.ItemReader!.Parameters;
    const items = await rt.readJson(String(readPath(p['Bucket.$']!, data, {})), String(readPath(p['Key.$']!, data, {})));
    if (!Array.isArray(items)) throw new TaskFailure('States.ItemReaderFailed', 'the work list is not a JSON array');
    const results = [];
    for (const [index, value] of items.entries()) {
      const context = { Map: { Item: { Index: index, Value: value } } };
      const selected = Object.fromEntries(Object.entries(state.ItemSelector ?? {}).map(([k, v]) => [k.replace(/\.\$$/, ''), readPath(v, data, context)]));
      const child = await runExecution(state.ItemProcessor!, selected, rt, trail);
      if (child.status === 'FAILED') {
        const out = child.output as { Error: string; Cause: string };
        throw new TaskFailure('States.ExceedToleratedFailureThreshold', `item ${index} failed: ${out.Error}: ${out.Cause}`);
      }
      results.push(child.output);
    }
    return results;
  }
  if (state.Type !== 'Task') throw new Error(`unsupported state type ${state.Type}`);
  if (state.Resource?.includes(':sns:publish')) {
    const message = state.Parameters?.['Message.$'] === 'States.JsonToString($)' ? JSON.stringify(data) : String(state.Parameters?.['Message']);
    rt.publish(message);
    return {};
  }
  const functionId = state.Resource!.replace(/^arn:/, '');
  const attempts = 1 + Math.max(0, ...(state.Retry ?? []).filter((r) => r.ErrorEquals.includes('TransientError')).map((r) => r.MaxAttempts ?? 3));
  for (let attempt = 1; ; attempt++) {
    try {
      return await rt.lambda(functionId, data);
    } catch (err) {
      if (!(err instanceof TaskFailure) || err.errorType !== 'TransientError' || attempt >= attempts) throw err;
    }
  }
}
