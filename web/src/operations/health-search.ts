import type { HealthWindow } from '@pipewright/operations';
import { DEFAULT_HEALTH_SCOPE, type HealthScope } from './operations-api.ts';

/**
 * The health page's scope as it lives in the URL (`/health?window=7d&flow=flw_a`), so a reload, back/forward and a
 * shared link show the same view.  The URL is user input: a value that does not fit is dropped (the default window,
 * the whole workspace), never an error.  Pure: tested in Node.
 */
export interface HealthSearch {
  /** Left out for the default window (24 h). */
  window: HealthWindow | undefined;
  flow: string | undefined;
  connector: string | undefined;
}

const WINDOWS: readonly HealthWindow[] = ['1h', '24h', '7d'];
const isWindow = (value: unknown): value is HealthWindow => WINDOWS.some((window) => window === value);

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' || trimmed.length > 200 ? undefined : trimmed;
}

/**
 * The route's `validateSearch`.  A drill-down is one flow or one connector type: with both, the flow wins.  Every
 * field is present, `undefined` when dropped: the router lays this over the raw query, which must not show through.
 */
export function parseHealthSearch(raw: Record<string, unknown>): {
  [Field in keyof HealthSearch]-?: HealthSearch[Field];
} {
  const flow = text(raw.flow);
  return {
    window: isWindow(raw.window) && raw.window !== DEFAULT_HEALTH_SCOPE.window ? raw.window : undefined,
    flow,
    connector: flow === undefined ? text(raw.connector) : undefined,
  };
}

export const healthScopeFromSearch = (search: HealthSearch): HealthScope => ({
  window: search.window ?? DEFAULT_HEALTH_SCOPE.window,
  ...(search.flow === undefined ? {} : { flowId: search.flow }),
  ...(search.connector === undefined ? {} : { connector: search.connector }),
});

export const healthSearchFromScope = (scope: HealthScope): HealthSearch =>
  parseHealthSearch({ window: scope.window, flow: scope.flowId, connector: scope.connector });
