import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FlowDocument, flowDocumentSchema } from '@pipewright/flow';
import { DEFAULT_RUN_TIMEOUT_MS, formatDuration, runTimeoutMessage, runTimeoutOf } from './run-timeout.ts';

const documentWith = (types: string[], settings?: unknown): FlowDocument =>
  flowDocumentSchema.parse({
    schemaVersion: 1,
    nodes: types.map((type, index) => ({
      id: `n${index}`,
      type,
      typeVersion: 1,
      position: { x: 0, y: 0 },
      config: {},
    })),
    edges: [],
    ...(settings === undefined ? {} : { settings }),
  });

describe('runTimeoutOf', () => {
  const cases: [string, FlowDocument, number | undefined][] = [
    ['a flow that never waits: 1 h', documentWith(['core.webhook', 'core.transform', 'http.request']), 3_600_000],
    ['a flow with a Wait: none', documentWith(['core.webhook', 'core.wait']), undefined],
    ['a flow with a Sub-flow: none', documentWith(['core.manual', 'core.subflow']), undefined],
    [
      'an explicit setting wins',
      documentWith(['core.webhook', 'core.wait'], { runTimeoutMs: 172_800_000 }),
      172_800_000,
    ],
    ['null: no limit', documentWith(['core.webhook'], { runTimeoutMs: null }), undefined],
  ];
  for (const [name, document, expected] of cases) {
    it(name, () => assert.equal(runTimeoutOf(document), expected));
  }
  it('defaults to one hour', () => assert.equal(DEFAULT_RUN_TIMEOUT_MS, 3_600_000));
  it('the document schema refuses timeouts under 1 s or over 31 days', () => {
    for (const runTimeoutMs of [999, 31 * 86_400_000 + 1, 1.5]) {
      assert.equal(
        flowDocumentSchema.safeParse({ schemaVersion: 1, nodes: [], edges: [], settings: { runTimeoutMs } }).success,
        false,
      );
    }
  });
});

describe('runTimeoutMessage', () => {
  const cases: [number, string][] = [
    [3_600_000, '1 h'],
    [5_400_000, '1 h 30 min'],
    [2_000, '2 s'],
    [90_000, '1 min 30 s'],
    [7 * 86_400_000, '7 d'],
    [999, '999 ms'],
    [1_000, '1 s'],
  ];
  for (const [ms, text] of cases) it(`${ms} ms reads "${text}"`, () => assert.equal(formatDuration(ms), text));
  it('names the setting to change', () =>
    assert.equal(runTimeoutMessage(3_600_000), 'run exceeded its 1 h timeout (flow settings → run timeout)'));
});
