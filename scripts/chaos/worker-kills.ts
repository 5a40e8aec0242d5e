/**
 * Drill 1: the worker is SIGKILLed again and again while runs of the five-step flow go through.  Every run must
 * succeed; a step is sent again only when a kill came between its first send and the next (it was in flight, and
 * goes again with the same idempotency key); a restarted worker re-sends the steps in flight within seconds.
 */
import { STEP_HEARTBEAT_TIMEOUT_MS } from '../../packages/run-contract/src/index.ts';
import type { Cluster } from './cluster.ts';
import { awaitRunEnd, type DrillResult, deliver, inLanes, median, pause, publish, type RunEnd } from './drill.ts';
import { fiveStepFlow, type SlowTarget } from './target.ts';

export async function workerKills(
  cluster: Cluster,
  target: SlowTarget,
  options: { runs: number; kills: number },
): Promise<DrillResult> {
  const prefix = '/worker-kills';
  const flow = await publish(cluster, 'drill worker kills', fiveStepFlow(`${target.url}${prefix}`));
  const ends: RunEnd[] = [];
  const accepted: number[] = [];
  const kills: { at: number; readyAt: number }[] = [];
  let sending = true;

  const send = inLanes(options.runs, 20, async (i) => {
    const answer = await deliver(flow.hook, { n: i }, `worker-kills-${i}`);
    accepted.push(answer.status);
    if (answer.runId) ends.push(await awaitRunEnd(cluster, answer.runId, 180_000));
  });
  const killer = (async () => {
    // Spread the kills over the sending: wait until a share of the runs is through before each one.
    for (let k = 0; k < options.kills && sending; k++) {
      const due = ((k + 1) * options.runs) / (options.kills + 1);
      while (sending && ends.length < due) await pause(50);
      if (!sending) break;
      await pause(Math.random() * 400);
      await cluster.kill('worker');
      // From when it is gone: a step sent before then was sent by the killed worker.
      const at = Date.now();
      await cluster.start('worker');
      kills.push({ at, readyAt: Date.now() });
    }
  })();
  await send;
  sending = false;
  await killer;

  const hits = target.hitsUnder(prefix);
  const byKey = new Map<string, number[]>();
  for (const hit of hits) byKey.set(hit.key, [...(byKey.get(hit.key) ?? []), hit.at]);
  let resent = 0;
  let resentWithoutKill = 0;
  const recoveries: number[] = [];
  let slowestKey = '';
  for (const [key, times] of byKey) {
    for (let i = 1; i < times.length; i++) {
      resent++;
      const before = times[i - 1] ?? 0;
      const again = times[i] ?? 0;
      // The last kill between the two sends: the one whose restart re-sent it.
      const kill = kills.findLast((k) => k.at >= before && k.at <= again);
      if (!kill) resentWithoutKill++;
      else {
        recoveries.push(again - kill.readyAt);
        if (again - kill.readyAt >= Math.max(...recoveries)) slowestKey = key;
      }
    }
  }
  const succeeded = ends.filter((end) => end === 'succeeded').length;
  const broken: string[] = [];
  if (succeeded !== options.runs) broken.push(`${options.runs - succeeded} of ${options.runs} runs did not succeed`);
  if (resentWithoutKill > 0) broken.push(`${resentWithoutKill} steps were sent again with no worker kill in between`);
  const slowest = Math.max(0, ...recoveries);
  // A step running as a regular activity is re-sent once its heartbeats are missed; one running locally, once its
  // workflow task times out (3 s).
  if (slowest > STEP_HEARTBEAT_TIMEOUT_MS + 2_000) {
    broken.push(`a step in flight at a kill was sent again only ${slowest} ms after the restart`);
    broken.push(`its run's history: ${await historyOutline(cluster, slowestKey.split('/')[0] ?? '')}`);
  }
  return {
    name: `1. worker SIGKILLed ${kills.length}× during ${options.runs} runs`,
    figures: {
      accepted: accepted.filter((status) => status === 202).length,
      succeeded,
      lost: ends.filter((end) => end === 'lost').length,
      'steps sent': hits.length,
      'steps re-sent after a kill (same key)': resent - resentWithoutKill,
      'steps re-sent without a kill': resentWithoutKill,
      'restart → re-send, median / max ms': recoveries.length
        ? `${Math.round(median(recoveries))} / ${Math.round(slowest)} (slowest: step ${slowestKey})`
        : 'none in flight',
    },
    broken,
  };
}

/** A run's history as event types with their time from the start (what a slow recovery waited for). */
async function historyOutline(cluster: Cluster, runId: string): Promise<string> {
  const history = await cluster.temporal.workflow.getHandle(runId).fetchHistory();
  const events = history.events ?? [];
  const startMs = Number(events[0]?.eventTime?.seconds ?? 0) * 1000 + (events[0]?.eventTime?.nanos ?? 0) / 1e6;
  return events
    .map((event) => {
      const at = Number(event.eventTime?.seconds ?? 0) * 1000 + (event.eventTime?.nanos ?? 0) / 1e6 - startMs;
      const timedOut =
        event.workflowTaskTimedOutEventAttributes?.timeoutType ??
        event.activityTaskTimedOutEventAttributes?.failure?.timeoutFailureInfo?.timeoutType;
      return `${String(event.eventType)}${timedOut === undefined || timedOut === null ? '' : `(${String(timedOut)})`}@${Math.round(at)}`;
    })
    .join(' ');
}
