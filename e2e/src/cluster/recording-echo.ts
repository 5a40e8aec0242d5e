/**
 * A local HTTP service the cluster's workers call from their steps: it records every request (with its arrival time),
 * counts the requests open at the same time, and lets a test await the requests it expects instead of sleeping.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { within } from '@pipewright/devstack';

export interface EchoRequest {
  method: string;
  path: string;
  body: unknown;
  /** When it arrived (wall clock, comparable with Temporal's event times). */
  at: number;
}

export interface RecordingEcho {
  url: string;
  requests: EchoRequest[];
  /** The most requests that were open at once. */
  mostOpen(): number;
  /** The requests open now (held, not yet answered). */
  openNow(): number;
  /** The requests matching `match`, once there are at least `count` of them (fails after `timeoutMs`). */
  received(
    what: string,
    match: (request: EchoRequest) => boolean,
    count: number,
    timeoutMs?: number,
  ): Promise<EchoRequest[]>;
  close(): Promise<void>;
}

export interface EchoOptions {
  /** The JSON answer to a request (default `{ ok: true }`). */
  answer?: (request: EchoRequest) => unknown;
  /** How long each request is held open before it is answered. */
  holdMs?: number;
}

export async function startRecordingEcho(options: EchoOptions = {}): Promise<RecordingEcho> {
  const requests: EchoRequest[] = [];
  const listeners = new Set<() => void>();
  let open = 0;
  let mostOpen = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = Date.now();
      const raw = Buffer.concat(chunks).toString('utf8');
      const recorded: EchoRequest = {
        method: request.method ?? '',
        path: request.url ?? '',
        body: raw ? (JSON.parse(raw) as unknown) : null,
        at,
      };
      requests.push(recorded);
      open += 1;
      mostOpen = Math.max(mostOpen, open);
      for (const listener of listeners) listener();
      const answer = () => {
        open -= 1;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(options.answer?.(recorded) ?? { ok: true }));
      };
      if (options.holdMs) setTimeout(answer, options.holdMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the echo service has no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    mostOpen: () => mostOpen,
    openNow: () => open,
    received(what, match, count, timeoutMs = 30_000) {
      const event = new Promise<EchoRequest[]>((resolve) => {
        const check = () => {
          const matching = requests.filter(match);
          if (matching.length < count) return;
          listeners.delete(check);
          resolve(matching);
        };
        listeners.add(check);
        check();
      });
      return within(what, event, timeoutMs);
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
