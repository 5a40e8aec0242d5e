import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activeTraceParent, startTracing, tracingEnabled, withTraceParent } from './tracing.ts';

test('tracing is off unless an OTLP endpoint is set, and then nothing is installed', () => {
  assert.equal(tracingEnabled({}), false);
  assert.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }), false);
  assert.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), true);
  assert.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }), true);
  assert.equal(startTracing('pipewright-server', {}), undefined);
  // Untraced, work kept for later carries no trace, and continuing "no trace" runs the work as it is.
  assert.equal(activeTraceParent(), undefined);
  assert.equal(
    withTraceParent(undefined, () => 42),
    42,
  );
});
