/**
 * "Waited 1.2 s for the http rate limit": rate limits apply per workspace and connector, the step type's first
 * segment (`http.request` → `http`).  Null when the step did not wait.
 */
export function describeRateLimitWait(waitMs: number | undefined, stepType: string | undefined): string | null {
  if (waitMs === undefined || waitMs <= 0) return null;
  const connector = stepType?.split('.')[0] || 'connector';
  const wait = waitMs < 1000 ? `${Math.round(waitMs)} ms` : `${(waitMs / 1000).toFixed(1)} s`;
  return `Waited ${wait} for the ${connector} rate limit`;
}
