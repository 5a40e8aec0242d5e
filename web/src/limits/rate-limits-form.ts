import {
  CONNECTOR_KEY_PATTERN,
  MAX_RATE_LIMIT_COUNT,
  type RateLimit,
  type RateLimitPeriod,
} from '@pipewright/api-contract';

/** One editable row of the rate-limits page: text as typed, checked on save. */
export interface RateLimitRow {
  connector: string;
  count: string;
  per: RateLimitPeriod;
}

export const rowsOf = (limits: Record<string, RateLimit>): RateLimitRow[] =>
  Object.entries(limits)
    .sort(([a], [b]) => (a === '*' ? 1 : b === '*' ? -1 : a.localeCompare(b)))
    .map(([connector, limit]) => ({ connector, count: String(limit.count), per: limit.per }));

export type RowsCheck = { ok: true; limits: Record<string, RateLimit> } | { ok: false; row: number; message: string };

/** The rows as the API takes them, or the first row that is wrong and why (the server checks the same again). */
export function limitsOf(rows: RateLimitRow[]): RowsCheck {
  const limits: Record<string, RateLimit> = {};
  for (const [row, entry] of rows.entries()) {
    const connector = entry.connector.trim();
    if (!CONNECTOR_KEY_PATTERN.test(connector)) {
      return { ok: false, row, message: 'Connector: * or a connector type such as http or postgres' };
    }
    if (Object.hasOwn(limits, connector)) return { ok: false, row, message: `Connector: ${connector} is listed twice` };
    const count = Number(entry.count);
    if (!Number.isInteger(count) || count < 1 || count > MAX_RATE_LIMIT_COUNT) {
      return { ok: false, row, message: `Calls: a whole number from 1 to ${MAX_RATE_LIMIT_COUNT}` };
    }
    limits[connector] = { count, per: entry.per };
  }
  return { ok: true, limits };
}
