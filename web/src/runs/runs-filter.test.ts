import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyRunsFilter, isUnfiltered, runsQueryString } from './runs-filter.ts';

test('the filter form becomes the runs query: empty fields left out, times as ISO, the cursor last', () => {
  assert.equal(runsQueryString(emptyRunsFilter()), 'limit=20');
  assert.equal(runsQueryString(emptyRunsFilter('flw_a'), 'abc'), 'flowId=flw_a&limit=20&cursor=abc');
  const filter = {
    ...emptyRunsFilter('flw_a'),
    status: 'failed',
    version: ' 3 ',
    trigger: 'webhook',
    from: '2026-01-02T03:04',
    to: 'not a time',
    key: ' orderId=A&B ',
  };
  const params = new URLSearchParams(runsQueryString(filter, undefined, 50));
  assert.deepEqual(Object.fromEntries(params), {
    flowId: 'flw_a',
    status: 'failed',
    version: '3',
    trigger: 'webhook',
    from: new Date('2026-01-02T03:04').toISOString(),
    key: 'orderId=A&B',
    limit: '50',
  });
  assert.equal(isUnfiltered(emptyRunsFilter('flw_a')), true);
  assert.equal(isUnfiltered(filter), false);
});
