import { context, propagation, ROOT_CONTEXT, type Tracer, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * Whether this process traces: only when an OTLP endpoint is set, by OpenTelemetry's own variables
 * (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`; OTLP over HTTP, JSON).
 * The exporter reads the rest of its settings (headers, timeout) from the same standard variables.
 */
export function tracingEnabled(env: Record<string, string | undefined>): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim());
}

/** What Temporal's OpenTelemetry interceptors need from this process's tracing, and how to end it. */
export interface Tracing {
  tracer: Tracer;
  /** Where workflow spans go: they are made in the workflow sandbox and handed out through a sink. */
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Exports what is buffered, then stops (a process's shutdown). */
  shutdown(): Promise<void>;
}

/**
 * Starts tracing for this process (`service`: `pipewright-server`, `pipewright-worker`, a package's name), or
 * returns undefined when no endpoint is set: then nothing is installed and every span call is OpenTelemetry's no-op.
 * Spans are batched and exported in the background; an unreachable collector costs dropped spans, never a request.
 */
export function startTracing(service: string, env: Record<string, string | undefined>): Tracing | undefined {
  if (!tracingEnabled(env)) return undefined;
  const resource = new Resource({ 'service.name': env.OTEL_SERVICE_NAME?.trim() || service });
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter());
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // Context follows async calls (AsyncLocalStorage); `traceparent` is the W3C header, also in Temporal's headers.
  provider.register({
    contextManager: new AsyncLocalStorageContextManager().enable(),
    propagator: new W3CTraceContextPropagator(),
  });
  return {
    tracer: trace.getTracer('pipewright'),
    spanProcessor,
    resource,
    shutdown: () => provider.shutdown(),
  };
}

/**
 * The active span's W3C `traceparent`, to keep with work that is picked up later (a queued run's start), or
 * undefined when nothing is traced.
 */
export function activeTraceParent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** Runs `work` as a child of the span a `traceparent` names (from activeTraceParent), or as it is without one. */
export function withTraceParent<T>(traceParent: string | undefined, work: () => T): T {
  if (traceParent === undefined) return work();
  return context.with(propagation.extract(ROOT_CONTEXT, { traceparent: traceParent }), work);
}

/**
 * Runs `work` in no trace: for background work a request merely wakes (a drain of queued runs), which would
 * otherwise inherit that one request's span for everything it does, other requests' work included.
 */
export function outsideAnyTrace<T>(work: () => T): T {
  return context.with(ROOT_CONTEXT, work);
}
