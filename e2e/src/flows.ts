/** Flow documents shared by the e2e suite and the benchmarks. */

/** webhook → transform (computes fields from the body) → HTTP POST of the transformed object to `targetUrl`. */
export function threeNodeFlow(targetUrl: string) {
  return {
    schemaVersion: 1 as const,
    nodes: [
      { id: 'webhook', type: 'core.webhook', typeVersion: 1, position: { x: 0, y: 0 }, config: { method: 'POST' } },
      {
        id: 'transform',
        type: 'core.transform',
        typeVersion: 1,
        position: { x: 260, y: 0 },
        config: {
          fields: [
            { name: 'customer', value: '{{ $uppercase(trigger.body.name) }}' },
            { name: 'total', value: '{{ trigger.body.qty * 10 }}' },
          ],
          keepInput: false,
          remove: [],
        },
      },
      {
        id: 'http_request',
        type: 'http.request',
        typeVersion: 1,
        position: { x: 520, y: 0 },
        config: {
          method: 'POST',
          url: targetUrl,
          headers: {},
          query: {},
          body: '{{ steps.transform }}',
          responseFormat: 'auto',
        },
      },
    ],
    edges: [
      { id: 'e1', source: 'webhook', sourcePort: 'out', target: 'transform', targetPort: 'in' },
      { id: 'e2', source: 'transform', sourcePort: 'out', target: 'http_request', targetPort: 'in' },
    ],
  };
}
