import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DraftTestReport, DraftTestVerdict } from '@pipewright/api-contract';
import { asNodeId, type FlowNode } from '@pipewright/flow';
import type { StepManifest } from '@pipewright/step-sdk';
import { formatValue, groupDifferences, listIoNodes, presentFields, summarizeReport } from './draft-test-report.ts';

const counts = (set: Partial<Record<DraftTestVerdict, number>>): Record<DraftTestVerdict, number> => ({
  same: 0,
  differs: 0,
  now_fails: 0,
  now_succeeds: 0,
  incomplete: 0,
  not_tested: 0,
  ...set,
});

function report(verdicts: DraftTestVerdict[], passed: boolean, realCalls = 0): DraftTestReport {
  const tally = counts({});
  for (const verdict of verdicts) tally[verdict] += 1;
  return {
    runs: verdicts.map((verdict, index) => ({ runId: `r${index}`, version: 1, verdict, differences: [] })),
    counts: tally,
    passed,
    realCalls,
  };
}

describe('summarizeReport', () => {
  const cases: { name: string; report: DraftTestReport; expected: string }[] = [
    {
      name: 'passed, all differ',
      report: report(['differs', 'differs', 'differs'], true),
      expected: 'Passed — 3 runs tested: 3 differs',
    },
    {
      name: 'broken, breaking verdicts first',
      report: report(['same', 'now_fails', 'same'], false),
      expected: 'Would break 1 run — 3 runs tested: 1 now fails, 2 same',
    },
    {
      name: 'real calls counted',
      report: report(['incomplete'], true, 2),
      expected: 'Passed — 1 run tested: 1 incomplete (2 real calls made)',
    },
    { name: 'nothing tested', report: report([], true), expected: 'Passed — 0 runs tested' },
  ];
  for (const { name, report: given, expected } of cases) {
    it(name, () => assert.equal(summarizeReport(given), expected));
  }
});

describe('listIoNodes', () => {
  const manifest = (type: string, kind: StepManifest['kind'], title: string): StepManifest => ({
    type,
    version: 1,
    title,
    description: '',
    kind,
    category: '',
    keywords: [],
    inputSchema: {},
    outputSchema: {},
    ui: {},
    retry: {},
    timeoutMs: null,
    runsIn: kind === 'action' ? 'activity' : 'workflow',
  });
  const catalog = new Map([
    ['core.webhook', manifest('core.webhook', 'trigger', 'Webhook')],
    ['core.transform', manifest('core.transform', 'transform', 'Transform')],
    ['core.if', manifest('core.if', 'transform', 'If')],
    ['http.request', manifest('http.request', 'action', 'HTTP request')],
  ]);
  const node = (id: string, type: string, title?: string): FlowNode => ({
    id: asNodeId(id),
    type,
    typeVersion: 1,
    position: { x: 0, y: 0 },
    config: {},
    ...(title ? { title } : {}),
  });

  it('keeps action steps only, with their title or the step title', () => {
    const nodes = [
      node('hook', 'core.webhook'),
      node('map', 'core.transform'),
      node('check', 'core.if'),
      node('charge', 'http.request', 'Charge card'),
      node('notify', 'http.request'),
      node('mystery', 'vendor.unknown'),
    ];
    assert.deepEqual(listIoNodes(nodes, catalog), [
      { id: 'charge', title: 'Charge card' },
      { id: 'notify', title: 'HTTP request' },
    ]);
  });
});

describe('groupDifferences and values', () => {
  it('groups a node’s input and output differences into one', () => {
    const groups = groupDifferences([
      { nodeId: 'call', change: 'input', before: { status: 'succeeded', input: { a: 1 } } },
      { nodeId: 'call', change: 'output', after: { status: 'succeeded', input: { a: 2 }, output: { ok: true } } },
      { nodeId: 'map', change: 'added', after: { status: 'succeeded', output: {} } },
    ]);
    assert.deepEqual(
      groups.map((group) => [group.nodeId, group.changes]),
      [
        ['call', ['input', 'output']],
        ['map', ['added']],
      ],
    );
    assert.deepEqual(groups[0] && presentFields(groups[0]), ['status', 'input', 'output']);
  });

  it('pretty-prints JSON and marks truncated values', () => {
    assert.equal(formatValue({ status: 'succeeded', output: { doubled: 20 } }, 'output'), '{\n  "doubled": 20\n}');
    assert.equal(
      formatValue({ status: 'succeeded', output: '{"big":"aaa', truncated: true }, 'output'),
      '{"big":"aaa… (truncated)',
    );
    assert.equal(formatValue({ status: 'failed', error: 'boom' }, 'error'), 'boom');
    assert.equal(formatValue({ status: 'skipped' }, 'output'), undefined);
    assert.equal(formatValue(undefined, 'status'), undefined);
  });
});
