import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { freePort, getTestStack, uniqueName, within } from '@pipewright/devstack';

/** A span as OTLP/HTTP JSON carries it (ids in hex), with the service that exported it. */
interface ReceivedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
}

const children: ChildProcess[] = [];
const servers: { close(): void }[] = [];
after(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const server of servers) server.close();
});

async function readBody(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
}

/** A local OTLP/HTTP collector: keeps every span it is sent, and tells waiters when new ones arrive. */
async function startCollector() {
  const spans: ReceivedSpan[] = [];
  const waiters = new Set<() => void>();
  const server = createServer(async (request, response) => {
    const body = JSON.parse(await readBody(request)) as {
      resourceSpans: {
        resource: { attributes: { key: string; value: { stringValue?: string } }[] };
        scopeSpans: { spans: Omit<ReceivedSpan, 'service'>[] }[];
      }[];
    };
    for (const resourceSpans of body.resourceSpans) {
      const service =
        resourceSpans.resource.attributes.find((attribute) => attribute.key === 'service.name')?.value.stringValue ??
        '';
      for (const scope of resourceSpans.scopeSpans) {
        for (const span of scope.spans) {
          const { name, traceId, spanId, parentSpanId } = span;
          spans.push({ service, name, traceId, spanId, parentSpanId: parentSpanId ?? '' });
        }
      }
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    for (const wake of waiters) wake();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const until = (found: () => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!found()) return;
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, until };
}

/** Starts an app's main.ts as deployed; resolves once it logs `ready`. */
function startApp(app: 'server' | 'worker', env: Record<string, string>, ready: string): Promise<void> {
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: new URL(`../../${app}/`, import.meta.url).pathname,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  return within(
    () => `the ${app} to start:\n${output}`,
    new Promise<void>((resolve, reject) => {
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(ready)) resolve();
      };
      child.stdout?.on('data', collect);
      child.stderr?.on('data', collect);
      child.once('exit', (code) => reject(new Error(`the ${app} exited with ${code}:\n${output}`)));
    }),
    90_000,
  );
}

test('one trace runs from the webhook request through the run and each of its steps', async () => {
  const stack = await getTestStack();
  const collector = await startCollector();
  const target = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  servers.push(target);
  const port = await freePort();
  const env = {
    TEMPORAL_ADDRESS: stack.temporalAddress,
    MONGODB_URI: stack.mongoUri,
    MONGODB_DB: uniqueName('traces'),
    TASK_QUEUE: uniqueName('tq'),
    PORT: String(port),
    PIPEWRIGHT_ALLOW_PRIVATE_NETWORKS: 'true',
    PIPEWRIGHT_TRIGGERS: 'off',
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    // Export within a moment rather than the default 5 s.
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
  await Promise.all([
    startApp('worker', env, 'pipewright worker polling'),
    startApp('server', env, 'pipewright server listening'),
  ]);

  const baseUrl = `http://127.0.0.1:${port}`;
  const signup = await fetch(`${baseUrl}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: 'tracer@example.test',
      password: 'tracer password 123',
      name: 'T',
      workspaceName: 'T',
    }),
  });
  assert.equal(signup.status, 201, await signup.clone().text());
  const cookie = (signup.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const api = async (path: string, body: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-requested-with': 'pipewright' },
      body: JSON.stringify(body),
    });
    assert.ok(response.ok, `${path}: ${response.status} ${await response.clone().text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/orders`;
  const flow = await api('/api/flows', {
    name: 'traced',
    document: {
      schemaVersion: 1,
      nodes: [
        { id: 'webhook', type: 'core.webhook', typeVersion: 1, position: { x: 0, y: 0 }, config: { method: 'POST' } },
        {
          id: 'post',
          type: 'http.request',
          typeVersion: 1,
          position: { x: 260, y: 0 },
          config: { method: 'POST', url: targetUrl, headers: {}, query: {}, body: '{{ trigger.body }}' },
        },
      ],
      edges: [{ id: 'e1', source: 'webhook', sourcePort: 'out', target: 'post', targetPort: 'in' }],
    },
  });
  await api(`/api/flows/${String(flow.id)}/publish`, {});

  const delivery = await fetch(`${baseUrl}${String(flow.webhookPath)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"order":1}',
  });
  assert.equal(delivery.status, 202);

  const request = () =>
    collector.spans.find((span) => span.service === 'pipewright-server' && span.name === 'POST /hooks/:token');
  const inTrace = (name: string) => {
    const root = request();
    return collector.spans.find((span) => span.traceId === root?.traceId && span.name === name);
  };
  await within(
    () => `the run's spans to reach the collector; received: ${JSON.stringify(collector.spans.map((s) => s.name))}`,
    collector.until(() => ['StartWorkflow:runFlow', 'RunWorkflow:runFlow', 'RunActivity:runStep'].every(inTrace)),
    30_000,
  );
  const root = request();
  const start = inTrace('StartWorkflow:runFlow');
  const workflow = inTrace('RunWorkflow:runFlow');
  const step = inTrace('RunActivity:runStep');
  // The webhook request is the trace's root; the start (server) is its child; the run and its step are the worker's.
  assert.equal(root?.parentSpanId, '');
  assert.equal(start?.service, 'pipewright-server');
  assert.equal(start?.parentSpanId, root?.spanId);
  assert.equal(workflow?.service, 'pipewright-worker');
  assert.equal(step?.service, 'pipewright-worker');
  // No span is named by a URL: the webhook's token never leaves in a span name.
  const token = String(flow.webhookPath).split('/').pop() ?? '';
  assert.ok(collector.spans.every((span) => !span.name.includes(token)));
});
