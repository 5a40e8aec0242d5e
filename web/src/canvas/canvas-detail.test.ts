import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelEdges } from './canvas-detail.ts';
import type { StepFlowEdge } from './editor.selectors.ts';

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
