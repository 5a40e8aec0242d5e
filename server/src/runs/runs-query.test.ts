import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError } from '../errors.ts';
import { decodeCursor, encodeCursor, filterFingerprint, listRunsQuery, visibilityQuery } from './runs-query.ts';

const parse = (query: Record<string, unknown>) => listRunsQuery.parse(query);

describe('runs list query', () => {
  test('filters become one visibility query, every literal quoted and checked', () => {
    const cases: [Record<string, unknown>, string | null][] = [
      [{ status: 'failed' }, 'WorkspaceId = "ws_1" AND ExecutionStatus IN ("Failed")'],
      [
        { flowId: 'flw_a', version: '2', trigger: 'webhook', status: 'running,succeeded,running' },
        'WorkspaceId = "ws_1" AND FlowId = "flw_a" AND FlowVersion = 2 AND RunTrigger = "webhook" AND ExecutionStatus IN ("Running", "Completed")',
      ],
      [{ status: 'queued' }, null],
      [
        { status: 'queued,timed_out,cancelled' },
        'WorkspaceId = "ws_1" AND ExecutionStatus IN ("TimedOut", "Canceled")',
      ],
      [
        { from: '2026-01-01T10:00:00+02:00', to: '2026-01-02T00:00:00.999Z' },
        'WorkspaceId = "ws_1" AND StartTime >= "2026-01-01T08:00:00.000Z" AND StartTime < "2026-01-02T00:00:01.000Z"',
      ],
      [
        { key: ['orderId=A-1', `note=x" OR 'y' = 'y' \\`] },
        'WorkspaceId = "ws_1" AND RunKeys = "orderId=A-1" AND RunKeys = "note=x%22 OR %27y%27 = %27y%27 %5C"',
      ],
      [{ key: 'orderId=' }, 'WorkspaceId = "ws_1" AND RunKeys = "orderId="'],
      [{ key: 'a=b=c' }, 'WorkspaceId = "ws_1" AND RunKeys = "a=b=c"'],
    ];
    for (const [query, expected] of cases)
      assert.equal(visibilityQuery('ws_1', parse(query)), expected, JSON.stringify(query));
  });

  test('hostile values are refused, naming the field', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ flowId: 'a" OR "1"="1' }, 'flowId'],
      [{ flowId: '' }, 'flowId'],
      [{ status: 'Running' }, 'status'],
      [{ status: '' }, 'status'],
      [{ trigger: 'x' }, 'trigger'],
      [{ version: '1.5' }, 'version'],
      [{ from: '2026-01-01' }, 'from'],
      [{ to: 'now' }, 'to'],
      [{ key: 'noequals' }, 'key'],
      [{ key: '"=x' }, 'key'],
      [{ key: ['a=1', 'b=2', 'c=3', 'd=4', 'e=5', 'f=6'] }, 'key'],
      [{ limit: '51' }, 'limit'],
    ];
    for (const [query, field] of cases) {
      const result = listRunsQuery.safeParse(query);
      assert.equal(result.success, false, JSON.stringify(query));
      assert.equal(String(result.error?.issues[0]?.path[0]), field, JSON.stringify(query));
    }
  });

  test('cursors round-trip, and one of another filter or kind is refused', () => {
    const search = encodeCursor({ kind: 'search', token: 'dG9rZW4=', filter: filterFingerprint('q1') });
    assert.deepEqual(decodeCursor(search, 'search', 'q1'), {
      kind: 'search',
      token: 'dG9rZW4=',
      filter: filterFingerprint('q1'),
    });
    const index = encodeCursor({ kind: 'index', startedAt: '2026-01-01T00:00:00.000Z', id: 'run_a' });
    assert.equal(decodeCursor(index, 'index').kind, 'index');
    for (const [text, kind, query] of [
      [search, 'search', 'q2'],
      [search, 'index', undefined],
      [index, 'search', 'q1'],
      ['garbage', 'index', undefined],
      [Buffer.from('{"kind":"index"}').toString('base64url'), 'index', undefined],
    ] as const) {
      assert.throws(
        () => decodeCursor(text, kind, query),
        (error) => error instanceof ApiError && error.status === 400 && error.message.startsWith('cursor'),
      );
    }
  });
});
