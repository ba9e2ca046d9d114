// A fault-injecting HTTP proxy for storage tests: it listens on 127.0.0.1 in front of an S3 server and passes
// requests through, except when a test has scheduled a fault — an error status (503 SlowDown, 500, 403), a
// connection reset before, during the upload of, or during the download of a body, or a stall. Faults are
// consumed in the order they were injected, each a bounded number of times.
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One misbehaviour. */
export type Fault =
  /** Answer with this status and an S3 XML error body, without contacting the server. */
  | { kind: 'status'; status: number; code: string; message?: string }
  /** Drop the connection before reading anything. */
  | { kind: 'reset' }
  /** Read `afterBytes` of the request body (default: half of Content-Length), then drop the connection. */
  | { kind: 'reset-mid-upload'; afterBytes?: number }
  /** Forward, send the response headers and `afterBytes` of its body (default: half), then drop the connection. */
  | { kind: 'reset-mid-response'; afterBytes?: number }
  /** Wait `ms` before forwarding (a slow server; long enough, the client's timeout fires). */
  | { kind: 'stall'; ms: number }
  /** Forward, send headers and `afterBytes` of the body (default: half), then go silent for `ms` before sending the rest. */
  | { kind: 'stall-mid-response'; ms: number; afterBytes?: number };

/** What a rule may look at to decide whether it applies. */
export interface RequestSummary {
  readonly method: string;
  /** Path and query, e.g. `/bucket/repo/data/ab/ab…` */
  readonly url: string;
}

export interface InjectOptions {
  /** How many matching requests get the fault. @default 1 */
  times?: number;
  /** Which requests it applies to. @default all */
  match?: (req: RequestSummary) => boolean;
}

export interface FaultProxy {
  /** e.g. `http://127.0.0.1:40125`; point the S3 client here. */
  readonly endpoint: string;
  /** Schedules a fault; rules apply in injection order. */
  inject(fault: Fault, opts?: InjectOptions): void;
  /** Drops every scheduled fault that has not fired. */
  clear(): void;
  /** Requests seen and faults fired so far, by kind. */
  readonly stats: { requests: number; faults: number; fired: Record<string, number> };
  /** Stops listening, destroys open connections and cancels stalls. */
  stop(): Promise<void>;
}

interface Rule {
  fault: Fault;
  left: number;
  match: (req: RequestSummary) => boolean;
}

/** startFaultProxy listens on 127.0.0.1:<random> and forwards to `target` (an `http://127.0.0.1:port` URL). */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  if (upstream.hostname !== '127.0.0.1' && upstream.hostname !== 'localhost') throw new Error(`fault proxy forwards to loopback only, not ${target}`);
  const rules: Rule[] = [];
  const stats = { requests: 0, faults: 0, fired: {} as Record<string, number> };
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const forward = (req: IncomingMessage, res: ServerResponse, onResponse?: (up: IncomingMessage) => void) => {
    const up = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (upRes) => {
        if (onResponse) return onResponse(upRes);
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => req.socket.destroy());
    req.socket.on('close', () => up.destroy());
    req.pipe(up);
  };

  const server = createServer((req, res) => {
    stats.requests++;
    const summary = { method: req.method ?? '', url: req.url ?? '' };
    const rule = rules.find((r) => r.left > 0 && r.match(summary));
    if (!rule) return forward(req, res);
    rule.left--;
    stats.faults++;
    stats.fired[rule.fault.kind] = (stats.fired[rule.fault.kind] ?? 0) + 1;
    applyFault(rule.fault, req, res);
  });

  const applyFault = (fault: Fault, req: IncomingMessage, res: ServerResponse) => {
    switch (fault.kind) {
      case 'status': {
        const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${fault.code}</Code><Message>${fault.message ?? 'injected by the fault proxy'}</Message></Error>`;
        req.resume(); // read the upload to its end so the client sees the answer, not a broken pipe
        req.on('end', () => res.writeHead(fault.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) }).end(body));
        return;
      }
      case 'reset':
        req.socket.destroy();
        return;
      case 'reset-mid-upload': {
        const limit = fault.afterBytes ?? Math.max(1, Math.floor(Number(req.headers['content-length'] ?? 2) / 2));
        let seen = 0;
        req.on('data', (chunk: Buffer) => {
          seen += chunk.length;
          if (seen >= limit) req.socket.destroy();
        });
        req.on('end', () => req.socket.destroy());
        return;
      }
      case 'reset-mid-response':
      case 'stall-mid-response':
        forward(req, res, (upRes) => {
          const total = Number(upRes.headers['content-length'] ?? 2);
          const limit = fault.afterBytes ?? Math.max(1, Math.floor(total / 2));
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          let sent = 0;
          let held = false; // past the limit: everything from here on waits for the stall to end
          upRes.on('data', (chunk: Buffer) => {
            if (held) return void res.write(chunk);
            const part = chunk.subarray(0, limit - sent);
            sent += part.length;
            res.write(part);
            if (sent < limit) return;
            held = true;
            if (fault.kind === 'reset-mid-response') {
              upRes.destroy();
              req.socket.destroy();
              return;
            }
            upRes.pause();
            const rest = chunk.subarray(part.length);
            later(fault.ms, () => {
              if (req.socket.destroyed) return void upRes.destroy();
              res.write(rest);
              upRes.resume();
            });
          });
          upRes.on('end', () => res.end());
        });
        return;
      case 'stall':
        req.pause();
        later(fault.ms, () => {
          if (!req.socket.destroyed) forward(req, res);
        });
        return;
    }
  };

  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats,
    inject(fault, opts = {}) {
      rules.push({ fault, left: opts.times ?? 1, match: opts.match ?? (() => true) });
    },
    clear() {
      rules.length = 0;
    },
    async stop() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
