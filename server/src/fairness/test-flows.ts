/**
 * The fairness tests' flow: a trigger and a transform that keeps the delivery's `seq` (so runs can be told apart),
 * nothing that calls out — what is measured is when runs start, not what they do.
 */
export function seqFlowDocument(trigger: 'core.webhook' | 'core.manual') {
  return {
    schemaVersion: 1,
    nodes: [
      {
        id: 'in',
        type: trigger,
        typeVersion: 1,
        position: { x: 0, y: 0 },
        config: trigger === 'core.webhook' ? { method: 'POST' } : {},
      },
      {
        id: 'shape',
        type: 'core.transform',
        typeVersion: 1,
        position: { x: 200, y: 0 },
        config: { fields: [{ name: 'seq', value: '{{ trigger.body.seq }}' }] },
      },
    ],
    edges: [{ id: 'e1', source: 'in', target: 'shape' }],
  };
}
