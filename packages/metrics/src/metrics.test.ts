import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinConnectorLabel, createMetricsRegistry, createStepMetrics } from './metrics.ts';
import { parseMetricsAddress, serveMetrics } from './serve.ts';

test('PIPEWRIGHT_METRICS_ADDRESS: off unless set; a port alone stays on loopback; nonsense is refused by name', () => {
  assert.equal(parseMetricsAddress(undefined), undefined);
  assert.equal(parseMetricsAddress(' '), undefined);
  assert.deepEqual(parseMetricsAddress('9464'), { host: '127.0.0.1', port: 9464 });
  assert.deepEqual(parseMetricsAddress('0.0.0.0:9464'), { host: '0.0.0.0', port: 9464 });
  for (const bad of ['http://x:1', 'metrics', '70000', ':']) {
    assert.throws(() => parseMetricsAddress(bad), /PIPEWRIGHT_METRICS_ADDRESS: ".*" is not a port/);
  }
});

test("a step package's types never become labels: only built-in connectors are named", async () => {
  const registry = createMetricsRegistry('worker');
  const steps = createStepMetrics(registry, builtinConnectorLabel(['http.request', 'postgres.query']));
  const attempt = { workspaceId: 'ws1', attempt: 1, outcome: 'succeeded', durationMs: 5, rateLimitWaitMs: 0 } as const;
  steps.stepAttempt({ ...attempt, stepType: 'postgres.query', tooManyRequests: false });
  steps.stepAttempt({ ...attempt, stepType: 'acme-evil-"label.anything', tooManyRequests: false });
  const served = await serveMetrics(registry, { host: '127.0.0.1', port: 0 });
  try {
    const text = await (await fetch(`http://127.0.0.1:${served.port}/metrics`)).text();
    assert.match(text, /pipewright_step_attempts_total\{[^}]*connector="postgres"[^}]*\} 1/);
    assert.match(text, /pipewright_step_attempts_total\{[^}]*connector="package"[^}]*\} 1/);
    assert.doesNotMatch(text, /acme/);
  } finally {
    await served.close();
  }
});
