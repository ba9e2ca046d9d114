// Test support: a local HTTP endpoint standing in for SNS (AWS_ENDPOINT_URL_SNS points at it). It answers
// every Publish with SNS's XML and keeps what it received: the form fields and the Authorization header.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PublishedAlert {
  readonly fields: Record<string, string>;
  readonly authorization: string;
}

export interface SnsEndpoint {
  readonly url: string;
  readonly received: PublishedAlert[];
  stop(): Promise<void>;
}

/** startSnsEndpoint listens on 127.0.0.1:<random>. Always `stop()` it. */
export async function startSnsEndpoint(): Promise<SnsEndpoint> {
  const received: PublishedAlert[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      received.push({ fields: Object.fromEntries(new URLSearchParams(body)), authorization: String(req.headers.authorization ?? '') });
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end('<PublishResponse><PublishResult><MessageId>1</MessageId></PublishResult></PublishResponse>');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    received,
    stop: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
