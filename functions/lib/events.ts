// The payloads that cross the state machine (cdk/lib/maintenance-state-machine.ts is the other side):
// what the EventBridge rule starts an execution with, what Plan returns (also the Map's, Finalize's and,
// plus `error`, Failed's input), what each work item receives. Validated on arrival, since a schedule or a
// client may send anything.
import { UsageError } from '../../shared/core/index.js';
import type { WorkListEntry, WorkListLocation } from '../../shared/control/index.js';

/** Raw job options: user strings (or numbers/booleans/lists) keyed by camelCased flag name. */
export type RawOptions = Record<string, string | number | boolean | string[] | undefined>;

/** `detail` of a `cairn.maintenance.requested` event. */
export interface MaintenanceRequest {
  readonly requestId?: string;
  readonly job: string;
  readonly options?: RawOptions;
}

/** The execution input the rule builds: `{ detail, eventId, time }`. */
export interface ExecutionInput {
  readonly detail: MaintenanceRequest;
  readonly eventId: string;
  readonly time: string;
}

/** Plan's output: the Map reads `workList`, Finalize gets all of it. */
export interface PlanOutput {
  readonly requestId: string;
  readonly job: string;
  readonly options: RawOptions;
  readonly workList: WorkListLocation;
  readonly itemCount: number;
}

/** One work item as the Map's item selector builds it. */
export interface WorkInput<I = unknown> {
  readonly requestId: string;
  readonly job: string;
  readonly item: WorkListEntry<I>;
}

/** Step Functions' catch output: the error name and its cause (for Lambda, a JSON string). */
export interface StateError {
  readonly Error?: string;
  readonly Cause?: string;
}

/** Failed's input: either the execution input or the plan output, plus `error`. */
export type FailedInput = (ExecutionInput | PlanOutput) & { readonly error?: StateError };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** parseExecutionInput checks the execution input and returns the request id (detail.requestId ?? eventId). */
export function parseExecutionInput(input: unknown): { requestId: string; job: string; options: RawOptions; requestedAt: string } {
  if (!isRecord(input) || !isRecord(input['detail'])) throw new UsageError('the execution input has no detail object: start jobs with a cairn.maintenance.requested event');
  const detail = input['detail'];
  const job = detail['job'];
  if (typeof job !== 'string' || job === '') throw new UsageError('the maintenance request has no job: detail.job must be forget, prune, check or copy');
  const options = detail['options'] ?? {};
  if (!isRecord(options)) throw new UsageError('detail.options must be an object of option names and values, e.g. {"keepDaily": "7"}');
  const requestId = typeof detail['requestId'] === 'string' && detail['requestId'] !== '' ? detail['requestId'] : input['eventId'];
  if (typeof requestId !== 'string' || requestId === '') throw new UsageError('the maintenance request has neither detail.requestId nor an event id');
  const time = typeof input['time'] === 'string' ? input['time'] : '';
  return { requestId, job, options: options as RawOptions, requestedAt: time };
}

/** parsePlanOutput checks a plan output handed back by the state machine. */
export function parsePlanOutput(input: unknown): PlanOutput {
  if (!isRecord(input) || typeof input['requestId'] !== 'string' || typeof input['job'] !== 'string' || typeof input['itemCount'] !== 'number') {
    throw new UsageError('the input is not a plan output ({requestId, job, workList, itemCount})');
  }
  return input as unknown as PlanOutput;
}

/** parseWorkInput checks one work item's input. */
export function parseWorkInput(input: unknown): WorkInput {
  if (!isRecord(input) || typeof input['requestId'] !== 'string' || typeof input['job'] !== 'string'
    || !isRecord(input['item']) || !Number.isSafeInteger(input['item']['n'])) {
    throw new UsageError('the input is not a work item ({requestId, job, item: {n, item}})');
  }
  return input as unknown as WorkInput;
}

/** isPlanOutput tells Failed's two possible inputs apart. */
export function isPlanOutput(input: unknown): input is PlanOutput {
  return isRecord(input) && typeof input['requestId'] === 'string' && isRecord(input['workList']);
}
