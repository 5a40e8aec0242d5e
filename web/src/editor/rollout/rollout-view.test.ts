import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RolloutVersionStats } from '@pipewright/api-contract';
import { comparisonRows, describeRollout, formatSuccessRate, parseRolloutPercent } from './rollout-view.ts';

describe('parseRolloutPercent', () => {
  const problem = { problem: 'Percent of new runs must be a whole number from 1 to 99' };
  const cases: { text: string; expected: ReturnType<typeof parseRolloutPercent> }[] = [
    { text: '10', expected: { percent: 10 } },
    { text: ' 1 ', expected: { percent: 1 } },
    { text: '99', expected: { percent: 99 } },
    { text: '0', expected: problem },
    { text: '100', expected: problem },
    { text: '12.5', expected: problem },
    { text: '', expected: problem },
    { text: '  ', expected: problem },
    { text: 'ten', expected: problem },
    { text: '-5', expected: problem },
  ];
  for (const { text, expected } of cases) {
    it(`"${text}"`, () => assert.deepEqual(parseRolloutPercent(text), expected));
  }
});

describe('formatSuccessRate', () => {
  const cases: [number | null, string][] = [
    [null, '—'],
    [0, '0 %'],
    [1, '100 %'],
    [0.975, '97.5 %'],
    [2 / 3, '66.7 %'],
  ];
  for (const [rate, expected] of cases) it(`${rate}`, () => assert.equal(formatSuccessRate(rate), expected));
});

describe('describeRollout', () => {
  it('names the version, its share and since when', () =>
    assert.equal(
      describeRollout({ version: 2, percent: 50 }, 'yesterday'),
      'Version 2 on 50 % of new runs, since yesterday',
    ));
});

describe('comparisonRows', () => {
  const stats = (version: number, set: Partial<RolloutVersionStats>): RolloutVersionStats => ({
    version,
    runs: 0,
    succeeded: 0,
    failed: 0,
    running: 0,
    successRate: null,
    p50Ms: null,
    p95Ms: null,
    ...set,
  });

  it('shows the current version first, then the new one, with rates and latencies formatted', () => {
    const rows = comparisonRows({
      stable: stats(1, { runs: 20, succeeded: 19, failed: 1, successRate: 0.95, p50Ms: 120, p95Ms: 2_500 }),
      candidate: stats(2, { runs: 3, running: 3 }),
    });
    assert.deepEqual(rows, [
      {
        role: 'stable',
        label: 'Version 1 (current)',
        runs: 20,
        succeeded: 19,
        failed: 1,
        running: 0,
        successRate: '95 %',
        p50: '120 ms',
        p95: '2.50 s',
      },
      {
        role: 'candidate',
        label: 'Version 2 (new)',
        runs: 3,
        succeeded: 0,
        failed: 0,
        running: 3,
        successRate: '—',
        p50: '—',
        p95: '—',
      },
    ]);
  });
});
