/**
 * Pipewright in its production shape (docs/cluster.md), proven on this machine: the Temporal server and FerretDB on
 * PostgreSQL, two servers and two workers, HAProxy in front — what `./pw cluster` runs.  One cluster for the file;
 * each scenario module checks one thing that must hold across replicas.  The rolling restart goes last.
 */
import { after, before } from 'node:test';
import { brokerScenarios } from './cluster/broker-scenarios.ts';
import { type ClusterProduct, startClusterProduct } from './cluster/cluster-harness.ts';
import { limitsScenarios } from './cluster/limits-scenarios.ts';
import { liveViewScenarios } from './cluster/live-view-scenarios.ts';
import { rollingRestartScenarios } from './cluster/rolling-restart-scenarios.ts';
import { schedulingScenarios } from './cluster/scheduling-scenarios.ts';
import { sessionScenarios } from './cluster/session-scenarios.ts';
import { stepPackageScenarios } from './cluster/step-package-scenarios.ts';
import { webhookScenarios } from './cluster/webhook-scenarios.ts';

let product: ClusterProduct | undefined;

before(async () => {
  product = await startClusterProduct();
});

after(async () => {
  await product?.stop();
});

const current = (): ClusterProduct => {
  if (!product) throw new Error('the cluster did not start');
  return product;
};

webhookScenarios(current);
brokerScenarios(current);
schedulingScenarios(current);
limitsScenarios(current);
sessionScenarios(current);
liveViewScenarios(current);
stepPackageScenarios(current);
// Last: it restarts every server and worker.
rollingRestartScenarios(current);
