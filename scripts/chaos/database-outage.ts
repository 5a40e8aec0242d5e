/**
 * Drill 4: the database (FerretDB) is killed mid-load and started again on the same files.  Every answer is a 202
 * or a fast 503 with Retry-After and a message (no other 5xx), every 202's run completes, no request answered 5xx
 * leaves a run behind, and the server serves again without a restart.
 */
import type { Cluster } from './cluster.ts';
import {
  awaitRunEnd,
  type Delivery,
  type DrillResult,
  deliver,
  deliverUntilAnswered,
  inLanes,
  pause,
  publish,
  runsOnTemporal,
  tally,
} from './drill.ts';
import { fiveStepFlow, type SlowTarget } from './target.ts';

export async function databaseOutage(
  cluster: Cluster,
  target: SlowTarget,
  options: { outageMs: number },
): Promise<DrillResult> {
  const flow = await publish(cluster, 'drill database outage', fiveStepFlow(`${target.url}/database-outage`));
  const answers: (Delivery & { at: number; ms: number; id: string; n: number })[] = [];
  let downAt = 0;
  let restartAt = 0;
  let upAt = 0;
  let sending = true;
  const outage = (async () => {
    await pause(2_000);
    await cluster.kill('ferretdb');
    downAt = Date.now();
    await pause(options.outageMs);
    restartAt = Date.now();
    await cluster.start('ferretdb');
    upAt = Date.now();
    // Load goes on until the server has answered 202 again for a while.
    while (!answers.some((a) => a.at > upAt && a.status === 202)) await pause(100);
    await pause(2_000);
    sending = false;
  })();
  let n = 0;
  await inLanes(Number.MAX_SAFE_INTEGER, 5, async () => {
    if (!sending) throw new StopSending();
    const i = n++;
    const sent = Date.now();
    const id = `database-outage-${i}`;
    const answer = await deliver(flow.hook, { n: i }, id);
    answers.push({ ...answer, at: sent, ms: Date.now() - sent, id, n: i });
    await pause(100);
  }).catch((error: unknown) => {
    if (!(error instanceof StopSending)) throw error;
  });
  await outage;

  // Senders answered 503 send the same delivery again once the database is back (as they are told to).  A delivery
  // whose write reached the database just before it died was answered 503 and queued all the same: its retry must
  // get that run, not a second one.
  const refused = answers.filter((a) => a.status !== 202);
  const retried = await Promise.all(
    refused.map((a) => deliverUntilAnswered(flow.hook, { n: a.n }, a.id, { pauseMs: 500, deadlineMs: 60_000 })),
  );
  const accepted = [...answers, ...retried].filter((a) => a.status === 202 && a.runId).map((a) => a.runId ?? '');
  const runIds = [...new Set(accepted)];
  const ends = await Promise.all(runIds.map((runId) => awaitRunEnd(cluster, runId, 180_000)));
  const onTemporal = await runsOnTemporal(cluster, flow.id);
  const startedAnyway = retried.filter((a) => a.headers?.duplicate === true).length;
  const duringOutage = answers.filter((a) => a.at >= downAt && a.at < restartAt);
  const recoveredAt = answers.find((a) => a.at > upAt && a.status === 202)?.at ?? Number.NaN;
  const succeeded = ends.filter((end) => end === 'succeeded').length;

  const broken: string[] = [];
  const unclear = answers.filter(
    (a) =>
      a.status >= 500 && !(a.status === 503 && a.retryAfter !== null && /database/.test(JSON.stringify(a.body ?? ''))),
  );
  if (unclear.length > 0) broken.push(`5xx without Retry-After and a message: ${tally(unclear.map((a) => a.status))}`);
  if (!duringOutage.some((a) => a.status === 503)) broken.push('no request during the outage was answered 503');
  // Sent during the outage and answered 202 is fine when the answer came after the restart (the request waited for
  // the database and got it); answered 202 before the restart even began is not.
  const acceptedWithoutDatabase = duringOutage.filter((a) => a.status === 202 && a.at + a.ms < restartAt);
  if (acceptedWithoutDatabase.length > 0) {
    broken.push(`${acceptedWithoutDatabase.length} deliveries were answered 202 while the database was down`);
  }
  const slowest = Math.max(0, ...duringOutage.map((a) => a.ms));
  if (slowest > 5_000) broken.push(`a webhook during the outage waited ${slowest} ms`);
  if (succeeded !== runIds.length) broken.push(`${runIds.length - succeeded} accepted runs did not succeed`);
  if (runIds.length !== answers.length) broken.push(`${answers.length - runIds.length} deliveries never got a run`);
  if (onTemporal.length !== runIds.length) {
    broken.push(`Temporal has ${onTemporal.length} runs for ${runIds.length} deliveries`);
  }
  return {
    name: `4. FerretDB killed for ${Math.round(options.outageMs / 1000)} s under load`,
    figures: {
      deliveries: answers.length,
      'first answers': tally(answers.map((a) => a.status)),
      'runs (after senders retried the 503s)': runIds.length,
      succeeded,
      lost: ends.filter((end) => end === 'lost').length,
      duplicated: Math.max(0, onTemporal.length - runIds.length),
      'answered 503 but queued (the retry got that run)': startedAnyway,
      'answers during the outage': tally(duringOutage.map((a) => a.status)),
      'slowest answer during the outage, ms': slowest,
      'FerretDB back → first 202, s': ((recoveredAt - upAt) / 1000).toFixed(1),
    },
    broken,
  };
}

class StopSending extends Error {}
