import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyRunsFilter } from './runs-filter.ts';
import { parseRunsSearch, runsFilterError, runsFilterFromSearch, runsSearchFromFilter } from './runs-search.ts';

const all = { withFlow: true };

/** The filters a search names (a dropped value is an `undefined` field: see parseRunsSearch). */
const named = (search: object) => Object.fromEntries(Object.entries(search).filter(([, value]) => value !== undefined));

test('a hand-written filtered URL becomes the filters it names', () => {
  assert.deepEqual(
    named(
      parseRunsSearch(
        {
          flow: 'flw_a',
          status: 'failed',
          version: '3',
          trigger: 'webhook',
          from: '2026-01-02T03:04',
          to: '2026-01-03T00:00:30',
          key: ' orderId=A-1 ',
        },
        all,
      ),
    ),
    {
      flow: 'flw_a',
      status: 'failed',
      version: 3,
      trigger: 'webhook',
      from: '2026-01-02T03:04',
      to: '2026-01-03T00:00:30',
      key: 'orderId=A-1',
    },
  );
  // A search given in code (a typed navigate) may carry the number itself.
  assert.deepEqual(named(parseRunsSearch({ version: 12 }, all)), { version: 12 });
});

test('bad values in the URL fall back to "any" one by one; the good ones beside them are kept', () => {
  const badValues: [string, Record<string, unknown>][] = [
    ['an unknown status', { status: 'exploded' }],
    ['a status of the wrong type', { status: ['failed'] }],
    ['an unknown trigger', { trigger: 'carrier-pigeon' }],
    ['a negative version', { version: -1 }],
    ['a fractional version', { version: 1.5 }],
    ['a version that is a word', { version: 'latest' }],
    ['a version that is not a number', { version: Number.NaN }],
    ['a date that is not a time', { from: 'yesterday' }],
    ['an impossible date', { to: '2026-13-45T99:99' }],
    ['an object', { key: { name: 'x' } }],
    ['empty values', { key: '   ', flow: '' }],
    ['an absurdly long value', { key: 'k='.padEnd(600, 'x') }],
    ['an unknown parameter', { nonsense: 'x' }],
  ];
  for (const [what, raw] of badValues) {
    assert.deepEqual(
      named(parseRunsSearch({ flow: 'flw_a', ...raw }, all)),
      raw.flow === '' ? {} : { flow: 'flw_a' },
      what,
    );
  }
  // The router lays the parsed search over the raw query: a dropped value is there, as undefined, to hide it.
  const parsed = parseRunsSearch({ status: 'exploded', version: 'latest' }, all);
  assert.ok('status' in parsed && parsed.status === undefined);
  assert.ok('version' in parsed && parsed.version === undefined);
});

test("a flow's list ignores `flow` in the URL: its flow comes from the path", () => {
  assert.deepEqual(named(parseRunsSearch({ flow: 'flw_other', status: 'failed' }, { withFlow: false })), {
    status: 'failed',
  });
  assert.deepEqual(runsFilterFromSearch(parseRunsSearch({ flow: 'flw_other', status: 'failed' }, all), 'flw_path'), {
    ...emptyRunsFilter('flw_path'),
    status: 'failed',
  });
});

test('the form and the URL round-trip; empty fields leave the URL', () => {
  const filter = {
    ...emptyRunsFilter('flw_a'),
    status: 'succeeded',
    version: ' 7 ',
    from: '2026-05-01T08:00',
    key: 'orderId=A-1001',
  };
  const search = runsSearchFromFilter(filter, all);
  assert.deepEqual(named(search), {
    flow: 'flw_a',
    status: 'succeeded',
    version: 7,
    from: '2026-05-01T08:00',
    key: 'orderId=A-1001',
  });
  assert.deepEqual(runsFilterFromSearch(search), { ...filter, version: '7' });
  assert.deepEqual(named(runsSearchFromFilter(emptyRunsFilter('flw_a'), { withFlow: false })), {});
  assert.deepEqual(runsFilterFromSearch(parseRunsSearch({}, all)), emptyRunsFilter());
});

test('the form refuses a version that is not a whole number, naming the field', () => {
  assert.equal(runsFilterError({ ...emptyRunsFilter(), version: 'v3' }), 'Version: a whole number, such as 3');
  assert.equal(runsFilterError({ ...emptyRunsFilter(), version: ' 3 ' }), undefined);
  assert.equal(runsFilterError(emptyRunsFilter()), undefined);
});
