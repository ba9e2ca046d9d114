// Test support: a local HTTP endpoint standing in for EventBridge (AWS_ENDPOINT_URL_EVENTBRIDGE points at
// it). It accepts every PutEvents request and keeps the entries it received.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedEvent {
  readonly EventBusName: string;
  readonly Source: string;
  readonly DetailType: string;
  readonly detail: Record<string, unknown>;
}

export interface EventBridgeEndpoint {
  readonly url: string;
  readonly received: ReceivedEvent[];
  stop(): Promise<void>;
}

/** startEventBridgeEndpoint listens on 127.0.0.1:<random>. Always `stop()` it. */
export async function startEventBridgeEndpoint(): Promise<EventBridgeEndpoint> {
  const received: ReceivedEvent[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8').on('data', (d: string) => (text += d));
    req.on('end', () => {
      const body = JSON.parse(text) as { Entries: { EventBusName: string; Source: string; DetailType: string; Detail: string }[] };
      for (const e of body.Entries) received.push({ EventBusName: e.EventBusName, Source: e.Source, DetailType: e.DetailType, detail: JSON.parse(e.Detail) as Record<string, unknown> });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ FailedEntryCount: 0, Entries: body.Entries.map((_, i) => ({ EventId: `event-${received.length + i}` })) }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    stop: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
