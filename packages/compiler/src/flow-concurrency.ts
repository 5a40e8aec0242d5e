import type { FlowDocument } from '@pipewright/flow';
import type { CompileError } from './compile-result.ts';

/**
 * The plan's `maxConcurrentRuns` (flow settings → "At most N runs at once", docs/adr/020).  Refused together with a
 * business key: both would hand a run to a coordinator (one per key, one per flow), and a run cannot wait in two lines
 * at once without one line holding up the other; the builder chooses one.
 */
export function maxConcurrentRunsOf(doc: FlowDocument): { limit?: number; errors: CompileError[] } {
  const limit = doc.settings?.maxConcurrentRuns;
  if (limit === undefined) return { errors: [] };
  if (doc.settings?.businessKey !== undefined) {
    const error: CompileError = {
      code: 'concurrency_with_business_key',
      field: 'settings.maxConcurrentRuns',
      message:
        'At most N runs at once cannot be combined with a business key: a business key already runs one run per key at a time. Remove one of the two settings.',
    };
    return { errors: [error] };
  }
  return { limit, errors: [] };
}
