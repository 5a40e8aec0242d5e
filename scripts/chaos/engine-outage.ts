/**
 * Drill 2: Temporal is killed while runs are in flight and started again on the same SQLite file after an outage.
 * Every run finishes; each webhook sent during the outage is answered fast, with a durable 202 whose run later
 * completes or a 503 with Retry-After, and a sender that retries after a 503 gets its run.
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

export async function engineOutage(
  cluster: Cluster,
  target: SlowTarget,
  options: { inFlight: number; outageMs: number },
): Promise<DrillResult> {
  const prefix = '/engine-outage';
  const flow = await publish(cluster, 'drill temporal outage', fiveStepFlow(`${target.url}${prefix}`));
  const runIds: string[] = [];
  await inLanes(options.inFlight, 10, async (i) => {
    const answer = await deliver(flow.hook, { n: i }, `engine-before-${i}`);
    if (answer.runId) runIds.push(answer.runId);
  });
  // Some steps done, most runs still going.
  while (target.hitsUnder(prefix).length < options.inFlight / 2) await pause(20);

  await cluster.kill('temporal');
  const downAt = Date.now();
  const during: (Delivery & { ms: number; id: string })[] = [];
  for (let i = 0; Date.now() - downAt < options.outageMs; i++) {
    const sent = Date.now();
    const id = `engine-during-${i}`;
    const answer = await deliver(flow.hook, { n: 1000 + i }, id);
    during.push({ ...answer, ms: Date.now() - sent, id });
    await pause(1_000);
  }
  const restartAt = Date.now();
  await cluster.start('temporal');
  const upAt = Date.now();

  // Senders answered 503 send again (what they are told to do); the others are done.
  const retried = await Promise.all(
    during
      .filter((answer) => answer.status === 503)
      .map((answer, i) =>
        deliverUntilAnswered(flow.hook, { n: 2000 + i }, answer.id, { pauseMs: 500, deadlineMs: 60_000 }),
      ),
  );
  for (const answer of [...during, ...retried]) if (answer.runId && answer.status < 300) runIds.push(answer.runId);
  const ids = [...new Set(runIds)];
  const ends = await Promise.all(ids.map((runId) => awaitRunEnd(cluster, runId, 180_000)));
  const allDoneAt = Date.now();
  const onTemporal = await runsOnTemporal(cluster, flow.id);

  const broken: string[] = [];
  const succeeded = ends.filter((end) => end === 'succeeded').length;
  if (succeeded !== ids.length) broken.push(`${ids.length - succeeded} of ${ids.length} accepted runs did not succeed`);
  const wrong = during.filter((a) => !(a.status === 202 || (a.status === 503 && a.retryAfter !== null)));
  if (wrong.length > 0) broken.push(`answered during the outage: ${tally(wrong.map((a) => a.status))}`);
  const slowAnswer = Math.max(0, ...during.map((a) => a.ms));
  if (slowAnswer > 5_000) broken.push(`a webhook during the outage waited ${slowAnswer} ms for its answer`);
  if (onTemporal.length !== ids.length) {
    broken.push(`Temporal has ${onTemporal.length} runs of the flow, the senders were given ${ids.length}`);
  }
  return {
    name: `2. Temporal killed for ${Math.round(options.outageMs / 1000)} s with ${options.inFlight} runs in flight`,
    figures: {
      accepted: ids.length,
      succeeded,
      lost: ends.filter((end) => end === 'lost').length,
      duplicated: Math.max(0, onTemporal.length - ids.length),
      'answers during the outage': tally(during.map((a) => a.status)),
      'slowest answer during the outage, ms': slowAnswer,
      'Temporal start (same file), s': ((upAt - restartAt) / 1000).toFixed(1),
      'restart → every run finished, s': ((allDoneAt - upAt) / 1000).toFixed(1),
    },
    broken,
  };
}
