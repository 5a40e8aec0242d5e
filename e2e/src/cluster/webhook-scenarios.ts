import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { waitFor } from '@pipewright/devstack';
import { type ClusterProduct, publishFlow, webhookTransformFlow } from './cluster-harness.ts';

export function webhookScenarios(product: () => ClusterProduct): void {
  describe('webhooks across two servers', () => {
    test('a delivery id sent to both servers at once starts one run, and both answers name it', async () => {
      const { id, webhookPath } = await publishFlow(product(), 'Cluster webhook dedupe', webhookTransformFlow('order'));
      const deliveries = Array.from({ length: 8 }, (_, index) => `delivery-${index}-${Date.now()}`);
      const answers = await Promise.all(
        deliveries.flatMap((delivery) =>
          [0, 1].map(async (server) => {
            const response = await fetch(`${product().urlOf(server)}${webhookPath}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-delivery-id': delivery },
              body: JSON.stringify({ order: delivery }),
            });
            assert.equal(response.status, 202, `server ${server} accepted ${delivery}`);
            return { delivery, runId: ((await response.json()) as { runId: string }).runId };
          }),
        ),
      );
      for (const delivery of deliveries) {
        const runIds = new Set(answers.filter((answer) => answer.delivery === delivery).map((answer) => answer.runId));
        assert.equal(runIds.size, 1, `both servers answered delivery ${delivery} with the same run`);
      }
      // The runs list reads Temporal's visibility store, which follows a moment behind: wait until every run closed.
      const listed = await waitFor('the runs to close', async () => {
        const { items: runs } = await product().json<{ items: { id: string; status: string }[] }>(
          `/api/runs?flowId=${id}&limit=50`,
        );
        return runs.length >= deliveries.length && runs.every((run) => run.status === 'succeeded') ? runs : undefined;
      });
      assert.deepEqual(
        listed.map((run) => run.id).sort(),
        [...new Set(answers.map((answer) => answer.runId))].sort(),
        'one run a delivery id, not one a server',
      );
    });
  });
}
