/**
 * What record-histories.ts drives the product with: deadlines that name what they waited for, a local API for HTTP
 * steps to call, and the few product API calls a scenario needs (create, publish, trigger, resume, watch a run).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Product } from '../harness.ts';

/**
 * Runs `work` with a deadline: past `ms` it is aborted (through the signal, for work that takes one) and the wait
 * fails with "gave up after … waiting for <what>".
 */
export async function within<T>(
  what: string,
  ms: number,
  work: Promise<T> | ((signal: AbortSignal) => Promise<T>),
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`gave up after ${ms} ms waiting for ${what}`));
    }, ms);
  });
  try {
    return await Promise.race([typeof work === 'function' ? work(controller.signal) : work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export interface HeldRequest {
  body: unknown;
  /** Answers the held request (200, `{ ok: true }`): the step that sent it completes. */
  release(): void;
}

/**
 * A local API for the flows' HTTP steps.  `/ok/…` answers `{ ok, path }`; `/flaky/…` answers 500 the first time per
 * path, then 200; `/fail…` always 500; `/slow/<ms>/…` answers after `ms`; `/item/<n>?delayMs=<ms>` answers `{ n }` (after `ms`); `/big` answers
 * a JSON body over the worker's 256 KB inline limit; `/stall/<ms>/…` blocks the process for `ms` on its first
 * request per path (no heartbeat goes out: a worker that looks dead); `/hold/…` is answered only when the recorder releases it
 * (`nextHeld`), so a scenario can act while a step is in flight.
 */
export interface LocalApi {
  url: string;
  /** The next request to `/hold/<name>` (already arrived, or the next to arrive), unanswered until released. */
  nextHeld(name: string, deadlineMs: number): Promise<HeldRequest>;
  close(): Promise<void>;
}

/** ~450 KB of JSON: kept by reference (a blob in MongoDB) rather than in history. */
const bigJson = JSON.stringify({
  items: Array.from({ length: 10_000 }, (_, id) => ({ id, name: `item number ${id}`, price: id % 100 })),
});

export async function startLocalApi(): Promise<LocalApi> {
  const flakySeen = new Set<string>();
  const stalled = new Set<string>();
  const held = new Map<string, HeldRequest[]>();
  const waiting = new Map<string, ((request: HeldRequest) => void)[]>();
  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const hold = (name: string, request: HeldRequest) => {
    const waiter = waiting.get(name)?.shift();
    if (waiter) waiter(request);
    else held.set(name, [...(held.get(name) ?? []), request]);
  };
  const route = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const path = url.pathname;
    const [, head = '', ...rest] = path.split('/');
    switch (head) {
      case 'ok':
        return answer(res, 200, { ok: true, path });
      case 'flaky': {
        const first = !flakySeen.has(path);
        flakySeen.add(path);
        return answer(res, first ? 500 : 200, first ? { error: 'boom' } : { ok: true, path });
      }
      case 'fail':
        return answer(res, 500, { error: 'boom' });
      case 'slow':
        setTimeout(() => answer(res, 200, { path, branch: rest.at(-1) }), Number(rest[0]));
        return;
      case 'item':
        setTimeout(() => answer(res, 200, { n: Number(rest[0]) }), Number(url.searchParams.get('delayMs') ?? 0));
        return;
      case 'big':
        return answer(res, 200, bigJson);
      case 'stall': {
        // The first request per path blocks this whole process — the in-process worker too — for `ms`: its step
        // sends no heartbeat, as if its worker had died; later requests are answered at once.
        const first = !stalled.has(path);
        stalled.add(path);
        const until = Date.now() + Number(rest[0]);
        while (first && Date.now() < until) {
          // busy: the event loop must not run
        }
        return answer(res, 200, { ok: true, path, stalled: first });
      }
      case 'hold':
        return hold(rest.join('/'), {
          body: raw === '' ? null : JSON.parse(raw),
          release: () => answer(res, 200, { ok: true }),
        });
      default:
        return answer(res, 404, { error: `no handler for ${path}` });
    }
  };
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      raw += chunk;
    });
    req.on('end', () => route(req, res, raw));
  });
  await within('the local API to listen', 5_000, new Promise<void>((done) => server.listen(0, '127.0.0.1', done)));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    nextHeld(name, deadlineMs) {
      const arrived = held.get(name)?.shift();
      if (arrived) return Promise.resolve(arrived);
      return within(
        `a request to the local API's /hold/${name}`,
        deadlineMs,
        new Promise<HeldRequest>((done) => waiting.set(name, [...(waiting.get(name) ?? []), done])),
      );
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** A document node as a scenario writes it: typeVersion 1 and an empty config unless given. */
export interface DocNode {
  id: string;
  type: string;
  config?: Record<string, unknown>;
  settings?: Record<string, unknown>;
  parentId?: string;
}

/** A flow document from nodes and `[source, target, sourcePort?]` edges (nodes laid out left to right). */
export function flowDocument(
  nodes: DocNode[],
  edges: [string, string, string?][],
  settings?: { errorFlowId: string },
): Record<string, unknown> {
  return {
    schemaVersion: 1,
    nodes: nodes.map((node, index) => ({ typeVersion: 1, position: { x: index * 220, y: 0 }, config: {}, ...node })),
    edges: edges.map(([source, target, sourcePort = 'out']) => ({
      id: `${source}_${sourcePort}_${target}`,
      source,
      sourcePort,
      target,
      targetPort: 'in',
    })),
    ...(settings ? { settings } : {}),
  };
}

export type NodeStatus = 'pending' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped';

/** The part of `GET /api/runs/:id` (RunDetail) the recorder reads. */
export interface RunView {
  status: string;
  nodes: Record<string, { status: NodeStatus; output?: unknown; resumeUrl?: string }>;
}

const isRunView = (value: unknown): value is RunView =>
  typeof value === 'object' &&
  value !== null &&
  'status' in value &&
  typeof value.status === 'string' &&
  'nodes' in value &&
  typeof value.nodes === 'object' &&
  value.nodes !== null;

const API_DEADLINE_MS = 30_000;

/** The product's REST API, as a builder's API token uses it. */
export interface ProductApi {
  /** Creates a flow and publishes it: its id and (for a webhook trigger) its webhook path. */
  createPublished(name: string, document: Record<string, unknown>): Promise<{ id: string; webhookPath: string }>;
  /** POSTs `body` to a webhook path (or any product path): the JSON answer. */
  post(path: string, body: unknown): Promise<Record<string, unknown>>;
  /** Calls a flow's webhook: the run id. */
  trigger(webhookPath: string, body: unknown): Promise<string>;
  getRun(runId: string): Promise<RunView>;
  /**
   * Follows the run's event stream (`GET /api/runs/:id/events`) until `holds` is true of its view; fails when the run
   * ends first or the deadline passes, naming `what`.
   */
  untilRun(runId: string, what: string, holds: (run: RunView) => boolean, deadlineMs: number): Promise<RunView>;
}

export function createProductApi(product: Product): ProductApi {
  const call = (path: string, init: RequestInit = {}) =>
    within(`${init.method ?? 'GET'} ${path} to answer`, API_DEADLINE_MS, async (signal) => {
      const response = await product.api(path, { ...init, signal });
      const text = await response.text();
      if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path} answered ${response.status}: ${text}`);
      return JSON.parse(text) as unknown;
    });
  const post = async (path: string, body: unknown) => {
    const answer = await call(path, { method: 'POST', body: JSON.stringify(body ?? {}) });
    if (typeof answer !== 'object' || answer === null) throw new Error(`POST ${path} answered ${String(answer)}`);
    return answer as Record<string, unknown>;
  };
  return {
    post,
    async createPublished(name, document) {
      const flow = await post('/api/flows', { name, document });
      await post(`/api/flows/${String(flow.id)}/publish`, {});
      return { id: String(flow.id), webhookPath: String(flow.webhookPath) };
    },
    async trigger(webhookPath, body) {
      const { runId } = await post(webhookPath, body);
      if (typeof runId !== 'string') throw new Error(`the webhook ${webhookPath} answered no run id`);
      return runId;
    },
    async getRun(runId) {
      const run = await call(`/api/runs/${runId}`);
      if (!isRunView(run)) throw new Error(`GET /api/runs/${runId} answered no run: ${JSON.stringify(run)}`);
      return run;
    },
    untilRun(runId, what, holds, deadlineMs) {
      return within(`run ${runId}: ${what}`, deadlineMs, async (signal) => {
        const response = await product.api(`/api/runs/${runId}/events`, { signal });
        if (!response.ok || !response.body) throw new Error(`the run's event stream answered ${response.status}`);
        const decoder = new TextDecoder();
        let buffered = '';
        for await (const chunk of response.body) {
          buffered += decoder.decode(chunk, { stream: true });
          for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
            const message = buffered.slice(0, end);
            buffered = buffered.slice(end + 2);
            const data = message.split('\n').find((line) => line.startsWith('data: '));
            if (message.startsWith('event: ') || data === undefined) continue;
            const run: unknown = JSON.parse(data.slice('data: '.length));
            // Returning ends the loop, which cancels the stream.
            if (isRunView(run) && holds(run)) return run;
          }
        }
        throw new Error(`run ${runId} ended before ${what}`);
      });
    },
  };
}
