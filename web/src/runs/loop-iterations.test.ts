import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunNodeView } from '@pipewright/api-contract';
import { asNodeId, type FlowNode } from '@pipewright/flow';
import { selectShownNodeStatus, shownIteration } from '../canvas/run-iterations.ts';
import { iterationsRun, viewsForIterations } from './loop-iterations.ts';

const node = (id: string, parentId?: string): FlowNode => ({
  id: asNodeId(id),
  type: parentId ? 'core.transform' : 'core.loop',
  typeVersion: 1,
  position: { x: 0, y: 0 },
  config: {},
  ...(parentId ? { parentId: asNodeId(parentId) } : {}),
});
const nodes = [node('manual'), node('each'), node('double', 'each')];
const runNodes: Record<string, RunNodeView> = {
  manual: { status: 'succeeded', attempts: 1, output: { items: [1, 2, 3] } },
  each: {
    status: 'succeeded',
    attempts: 1,
    output: [2, 4, 6],
    iterations: [1, 2, 3].map((n, index) => ({
      index,
      status: 'succeeded' as const,
      nodes: { double: { status: 'succeeded' as const, attempts: 1, input: { n }, output: { n: n * 2 } } },
    })),
  },
};

describe('run view: loop iterations', () => {
  it('shows each body node as it ran in the picked iteration', () => {
    const views = viewsForIterations(nodes, runNodes, { each: 1 });
    assert.deepEqual([views.double?.input, views.double?.output], [{ n: 2 }, { n: 4 }]);
    assert.equal(views.manual, runNodes.manual);
  });

  it('shows the first recorded iteration until one is picked, or when the pick is not recorded', () => {
    assert.deepEqual(viewsForIterations(nodes, runNodes, {}).double?.input, { n: 1 });
    assert.equal(shownIteration(runNodes, 'each', { each: 40 })?.index, 0);
  });

  it('shows the failed iteration of a failed loop until another is picked', () => {
    const [first, second] = runNodes.each?.iterations ?? [];
    assert.ok(first && second);
    const failed: Record<string, RunNodeView> = {
      each: { status: 'failed', attempts: 1, iterations: [first, { ...second, status: 'failed' }] },
    };
    assert.equal(shownIteration(failed, 'each', {})?.index, 1);
    assert.equal(shownIteration(failed, 'each', { each: 0 })?.index, 0);
  });

  it('shows a body node as not run when its iteration did not reach it', () => {
    const partial = { ...runNodes, each: { status: 'failed' as const, attempts: 1, iterations: [] } };
    assert.equal('double' in viewsForIterations(nodes, partial, {}), false);
  });

  it('knows how many iterations ran, beyond those recorded', () => {
    assert.equal(iterationsRun({ status: 'succeeded', attempts: 1, output: new Array(50).fill(0) }), 50);
    assert.equal(iterationsRun({ status: 'running', attempts: 1, progress: { done: 3, total: 70 } }), 70);
    assert.equal(iterationsRun(undefined), undefined);
  });
});

describe('canvas: a Loop body node shows its status in the picked iteration', () => {
  const failedSecond: Record<string, RunNodeView> = {
    ...runNodes,
    each: {
      status: 'failed',
      attempts: 1,
      iterations: [
        { index: 0, status: 'succeeded', nodes: { double: { status: 'succeeded', attempts: 1 } } },
        { index: 1, status: 'failed', nodes: { double: { status: 'failed', attempts: 3 } } },
        { index: 2, status: 'succeeded', nodes: {} },
      ],
    },
  };
  const status = (picks: Record<string, number>, nodeId = 'double', loopId: string | null = 'each') =>
    selectShownNodeStatus(nodeId, loopId ?? undefined)({ run: { nodes: failedSecond, iterationPicks: picks } });

  it('follows the pick; without one, the failed iteration; not run in an iteration: no status', () => {
    assert.equal(status({}), 'failed', 'the failed iteration is shown first');
    assert.equal(status({ each: 0 }), 'succeeded');
    assert.equal(status({ each: 2 }), undefined, 'it did not run in iteration 3');
    assert.equal(status({ each: 0 }, 'manual', null), 'succeeded', 'nodes outside loops: their own status');
    assert.equal(status({ each: 0 }, 'constructor'), undefined, 'no prototype entry is a node');
  });
});
