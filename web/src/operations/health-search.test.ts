import assert from 'node:assert/strict';
import { test } from 'node:test';
import { healthScopeFromSearch, healthSearchFromScope, parseHealthSearch } from './health-search.ts';

/** What a search names (a dropped value is an `undefined` field, to hide the raw one). */
const named = (search: object) => Object.fromEntries(Object.entries(search).filter(([, value]) => value !== undefined));

test('a hand-written health URL names the window and the drill-down; the default window stays out of the URL', () => {
  assert.deepEqual(named(parseHealthSearch({ window: '7d', flow: 'flw_a' })), { window: '7d', flow: 'flw_a' });
  assert.deepEqual(named(parseHealthSearch({ window: '1h', connector: 'http' })), { window: '1h', connector: 'http' });
  assert.deepEqual(named(parseHealthSearch({ window: '24h' })), {});
  assert.deepEqual(healthScopeFromSearch(parseHealthSearch({})), { window: '24h' });
  assert.deepEqual(healthScopeFromSearch(parseHealthSearch({ window: '7d', connector: 'http' })), {
    window: '7d',
    connector: 'http',
  });
});

test('bad values fall back to the default window and the whole workspace', () => {
  assert.deepEqual(parseHealthSearch({ window: '2w', flow: 42, connector: ['http'] }), {
    window: undefined,
    flow: undefined,
    connector: undefined,
  });
  assert.deepEqual(named(parseHealthSearch({ window: { d: 7 }, flow: '  ' })), {});
  assert.deepEqual(named(parseHealthSearch({ flow: 'flw_a', connector: 'http' })), { flow: 'flw_a' }, 'one drill-down');
});

test('the page scope and the URL round-trip', () => {
  for (const scope of [{ window: '24h' as const }, { window: '1h' as const, flowId: 'flw_a' }]) {
    assert.deepEqual(healthScopeFromSearch(healthSearchFromScope(scope)), scope);
  }
});
