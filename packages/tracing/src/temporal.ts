import { createRequire } from 'node:module';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  type OpenTelemetrySinks,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { Tracing } from './tracing.ts';

/**
 * Temporal's OpenTelemetry interceptors, wired to a process's tracing.  A start made by a traced client carries the
 * active span in the workflow's headers; the workflow's spans (bundled interceptors, worker/src/workflow-bundle.ts)
 * and each activity's continue it.
 */

/** For a Temporal client: a workflow start is a span, and the workflow continues its trace. */
export function tracingClientInterceptors() {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}

/** A span for each step attempt (local or not), a child of the workflow span that scheduled it. */
export function tracingActivityInterceptors(tracing: Tracing): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer: tracing.tracer }),
    outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
  });
}

/** Workflow spans are made in the sandbox and leave it through this sink, into the process's span processor. */
export function tracingWorkflowSinks(tracing: Tracing): InjectedSinks<OpenTelemetrySinks> {
  return { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) };
}

const require = createRequire(import.meta.url);

/** The module a traced workflow bundle adds as its interceptors (bundleWorkflowCode's workflowInterceptorModules). */
export const TRACING_WORKFLOW_INTERCEPTORS = require.resolve(
  '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors',
);

/** The interceptors' package manifest: its version is part of what a traced workflow bundle is built from. */
export const TRACING_INTERCEPTORS_MANIFEST = require.resolve('@temporalio/interceptors-opentelemetry/package.json');
