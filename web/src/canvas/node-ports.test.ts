import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StepManifest } from '@pipewright/step-sdk';
import { connectNodes } from './canvas-changes.ts';
import { createEditorKit } from './editor-test-kit.ts';
import { edgeLabel, outputHandles } from './node-ports.ts';

/** The `outputs` of the built-in If, Switch and Transform manifests, as the catalog serves them. */
const ifManifest: Pick<StepManifest, 'outputs'> = {
  outputs: [
    { id: 'true', label: 'True' },
    { id: 'false', label: 'False' },
  ],
};
const switchManifest: Pick<StepManifest, 'outputs'> = {
  outputs: { fromConfig: 'cases', idKey: 'id', labelKey: 'label', extra: [{ id: 'default', label: 'Default' }] },
};
const transformManifest: Pick<StepManifest, 'outputs'> = { outputs: [{ id: 'out', label: '' }] };

describe('output handles and port edges', () => {
  it('one handle per output port, plus error when the node routes failures there', () => {
    const ids = (ports: { id: string }[]) => ports.map((port) => port.id);
    assert.deepEqual(ids(outputHandles(ifManifest, { config: {} })), ['true', 'false']);
    assert.deepEqual(
      ids(outputHandles(switchManifest, { config: { cases: [{ id: 'big', label: 'Big', condition: 'x' }] } })),
      ['big', 'default'],
    );
    assert.deepEqual(ids(outputHandles(transformManifest, { config: {}, settings: { onError: 'errorOutput' } })), [
      'out',
      'error',
    ]);
    assert.deepEqual(ids(outputHandles(undefined, undefined)), ['out']);
  });

  it('connecting from a handle stores its id as the edge sourcePort; plain out edges get no label', () => {
    const kit = createEditorKit();
    const check = kit.addNode('core.if');
    const yes = kit.addNode('core.transform');
    const plain = kit.addNode('core.transform');
    assert.equal(connectNodes(kit.store, { source: check, target: yes, sourceHandle: 'true' }), true);
    assert.equal(connectNodes(kit.store, { source: yes, target: plain, sourceHandle: null }), true);
    assert.deepEqual(
      kit.doc.edges.map((edge) => [edge.source, edge.sourcePort, edge.target]),
      [
        [check, 'true', yes],
        [yes, 'out', plain],
      ],
    );
    assert.deepEqual(
      kit.doc.edges.map((edge) => edgeLabel(edge.sourcePort)),
      ['true', undefined],
    );
  });
});
