export {
  TRACING_INTERCEPTORS_MANIFEST,
  TRACING_WORKFLOW_INTERCEPTORS,
  tracingActivityInterceptors,
  tracingClientInterceptors,
  tracingWorkflowSinks,
} from './temporal.ts';
export {
  activeTraceParent,
  outsideAnyTrace,
  startTracing,
  type Tracing,
  tracingEnabled,
  withTraceParent,
} from './tracing.ts';
