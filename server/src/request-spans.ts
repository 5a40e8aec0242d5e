import { context, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import type { RequestHandler } from 'express';

/**
 * One server span a request (OpenTelemetry, installed only when tracing is on), the parent of what the request
 * does — a webhook's run start included (the run keeps the span's `traceparent` until the starter starts it).
 * Named by method and route pattern (`POST /hooks/:token`), never by the URL: a webhook's URL holds its secret
 * token.  A sender's own `traceparent` is not followed: a public endpoint's caller does not choose our trace ids.
 */
export function traceRequests(tracer: Tracer): RequestHandler {
  return (req, res, next) => {
    const span = tracer.startSpan(req.method, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': req.method },
    });
    const spanContext = trace.setSpan(context.active(), span);
    // Body parsers call back from the socket's events: bound, so handlers after them still run in the span.
    context.bind(spanContext, req);
    context.bind(spanContext, res);
    res.once('finish', () => {
      const routePath: unknown = req.route?.path;
      if (typeof routePath === 'string') {
        const route = `${req.baseUrl}${routePath}`;
        span.updateName(`${req.method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(spanContext, next);
  };
}
