// Putting cairn's events on the EventBridge bus: maintenance requests (`cairn remote …`) and backup outcomes.
// The SDK is loaded only when an event is sent; its endpoint follows AWS_ENDPOINT_URL_EVENTBRIDGE (tests
// point it at a local stand-in) or an explicit endpoint.
import { StorageError } from '../../shared/core/index.js';

/** The source every client event carries; the backup credential may put events only with it. */
export const CLIENT_SOURCE = 'cairn.client';

/** Where to send, beyond the SDK's defaults. */
export interface BusOptions {
  readonly endpoint?: string;
  readonly region?: string;
}

/**
 * putEvent puts one event on `bus` and returns the event id EventBridge assigned. A rejected entry
 * (FailedEntryCount) or an unreachable endpoint throws a StorageError naming the bus.
 */
export async function putEvent(bus: string, detailType: string, detail: Record<string, unknown>, opts: BusOptions = {}): Promise<string> {
  const { EventBridgeClient, PutEventsCommand } = await import('@aws-sdk/client-eventbridge');
  const client = new EventBridgeClient({
    ...(opts.endpoint !== undefined ? { endpoint: opts.endpoint } : {}),
    ...(opts.region !== undefined ? { region: opts.region } : {}),
  });
  try {
    const out = await client.send(new PutEventsCommand({
      Entries: [{ EventBusName: bus, Source: CLIENT_SOURCE, DetailType: detailType, Detail: JSON.stringify(detail) }],
    }));
    const entry = out.Entries?.[0];
    if ((out.FailedEntryCount ?? 0) > 0 || entry?.EventId === undefined) {
      throw new StorageError(`event bus ${bus} rejected the ${detailType} event: ${entry?.ErrorCode ?? 'no event id'} ${entry?.ErrorMessage ?? ''}`.trim(), false);
    }
    return entry.EventId;
  } catch (err) {
    if (err instanceof StorageError) throw err;
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode;
    const hint = status === 403 || e.name === 'AccessDeniedException' ? ': check that the credentials carry the backup-client policy (events:PutEvents on the bus)'
      : e.name === 'ResourceNotFoundException' ? ': check --bus / CAIRN_EVENT_BUS (the stack output EventBusName)' : '';
    throw new StorageError(`cannot put the ${detailType} event on bus ${bus}: ${e.name ?? 'Error'}: ${(err as Error).message}${hint}`, status === undefined || status >= 500, { cause: err });
  } finally {
    client.destroy();
  }
}
