import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DETAIL_ZOOM, labelEdges, openingViewport } from './canvas-detail.ts';
import type { StepFlowEdge, StepFlowNode } from './editor.selectors.ts';

const edge = (id: string, sourceHandle: string): StepFlowEdge => ({ id, source: 'a', target: 'b', sourceHandle });

describe('edge labels by zoom', () => {
  const plain = edge('e1', 'out');
  const branch = edge('e2', 'true');
  const failure = edge('e3', 'error');

  it('zoomed in, edges from named ports say which port; plain edges stay the same objects', () => {
    const [out, yes, error] = labelEdges([plain, branch, failure], true);
    assert.equal(out, plain);
    assert.equal(yes?.label, 'true');
    assert.equal(error?.label, 'error');
    assert.equal(error?.style?.stroke, 'var(--danger)');
  });

  it('zoomed out, no edge has a label, and the error edge stays dashed red', () => {
    const [out, yes, error] = labelEdges([plain, branch, failure], false);
    assert.equal(out, plain);
    assert.equal(yes, branch, 'an unlabelled branch edge is the store’s own object');
    assert.equal(error?.label, undefined);
    assert.equal(error?.style?.strokeDasharray, '4 3');
  });
});

describe('where a big flow opens', () => {
  const fit = { minZoom: 0.1, maxZoom: 1.2, padding: 0.3 };
  const grid = (count: number): StepFlowNode[] =>
    Array.from({ length: count }, (_, i) => ({
      id: `n${i}`,
      type: 'step',
      position: { x: (i % 40) * 280, y: Math.floor(i / 40) * 100 },
      data: { stepType: 'core.transform' },
    }));

  it('a thousand nodes open zoomed out past the detail level, the flow centred in the pane', () => {
    const viewport = openingViewport(grid(1000), { width: 1000, height: 700 }, fit);
    assert.ok(viewport);
    assert.ok(viewport.zoom < DETAIL_ZOOM, `zoom ${viewport.zoom}`);
    // The flow spans 0..11140 × 0..2460; its centre lands on the pane's centre.
    assert.ok(Math.abs(viewport.x + 5570 * viewport.zoom - 500) < 1);
    assert.ok(Math.abs(viewport.y + 1230 * viewport.zoom - 350) < 1);
  });

  it('a loop’s body nodes are inside its box, and a pane without size has no opening viewport', () => {
    const nodes = grid(2);
    const inLoop = { ...nodes[0], id: 'inner', parentId: 'n0', position: { x: 50_000, y: 50_000 } } as StepFlowNode;
    const withLoop = openingViewport([...nodes, inLoop], { width: 1000, height: 700 }, fit);
    assert.deepEqual(withLoop, openingViewport(nodes, { width: 1000, height: 700 }, fit));
    assert.equal(openingViewport(nodes, { width: 0, height: 0 }, fit), undefined);
  });
});
