/**
 * The drills' outside world: a slow HTTP service that records every request it gets with its `idempotency-key`
 * header (the HTTP step sends the run's key for the node, the same on every attempt), so a drill can tell a step
 * sent again from a new one.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TargetHit {
  path: string;
  key: string;
  /** ms since the epoch the request arrived. */
  at: number;
}

export class SlowTarget {
  readonly hits: TargetHit[] = [];
  url = '';
  readonly #server: Server;

  /** `delayMs`: how long each answer takes (a slow partner system), with ±50 % jitter. */
  constructor(delayMs: number) {
    this.#server = createServer((req, res) => {
      const key = String(req.headers['idempotency-key'] ?? '');
      this.hits.push({ path: req.url ?? '/', key, at: Date.now() });
      req.resume();
      req.on('end', () => {
        const wait = delayMs * (0.5 + Math.random());
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: true, path: req.url }));
        }, wait);
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((done) => this.#server.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Hits under a path prefix (one per flow). */
  hitsUnder(prefix: string): TargetHit[] {
    return this.hits.filter((hit) => hit.path.startsWith(prefix));
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((done) => this.#server.close(done));
  }
}

/** webhook → HTTP → transform → HTTP → HTTP, every call to `${base}/<step>`: the fault drills' five-step flow. */
export function fiveStepFlow(base: string) {
  const http = (id: string, x: number) => ({
    id,
    type: 'http.request',
    typeVersion: 1,
    position: { x, y: 0 },
    config: { method: 'POST', url: `${base}/${id}`, headers: {}, query: {}, body: '{{ trigger.body }}' },
  });
  const ids = ['webhook', 'first', 'shape', 'second', 'third'];
  return {
    schemaVersion: 1 as const,
    nodes: [
      { id: 'webhook', type: 'core.webhook', typeVersion: 1, position: { x: 0, y: 0 }, config: { method: 'POST' } },
      http('first', 200),
      {
        id: 'shape',
        type: 'core.transform',
        typeVersion: 1,
        position: { x: 400, y: 0 },
        config: { fields: [{ name: 'n', value: '{{ trigger.body.n * 2 }}' }], keepInput: true, remove: [] },
      },
      http('second', 600),
      http('third', 800),
    ],
    edges: ids.slice(1).map((id, i) => ({
      id: `e${i}`,
      source: ids[i] ?? '',
      sourcePort: 'out',
      target: id,
      targetPort: 'in',
    })),
  };
}
