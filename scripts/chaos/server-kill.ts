/**
 * Drill 3: the server is SIGKILLed in the middle of a burst of webhooks and started again; senders whose request
 * got no answer send it again (same delivery id).  Every webhook answered 2xx has a run that completes and that the
 * runs API shows; Temporal has no run the API does not know (no invisible run) and none twice.
 */
import type { Cluster } from './cluster.ts';
import {
  awaitRunEnd,
  type DrillResult,
  deliver,
  deliverUntilAnswered,
  inLanes,
  invisibleRuns,
  pause,
  publish,
  runsOnTemporal,
  tally,
} from './drill.ts';
import { fiveStepFlow, type SlowTarget } from './target.ts';

export async function serverKill(
  cluster: Cluster,
  target: SlowTarget,
  options: { webhooks: number },
): Promise<DrillResult> {
  const flow = await publish(cluster, 'drill server kill', fiveStepFlow(`${target.url}/server-kill`));
  const firstAnswers: number[] = [];
  const answered = new Map<number, string>();
  let killed = false;
  const killer = (async () => {
    while (firstAnswers.length < options.webhooks * 0.4) await pause(5);
    await cluster.kill('server');
    killed = true;
    await pause(1_000);
    await cluster.start('server');
  })();
  await inLanes(options.webhooks, 20, async (i) => {
    const first = await deliver(flow.hook, { n: i }, `server-kill-${i}`);
    firstAnswers.push(first.status);
    const answer =
      first.status === 202
        ? first
        : await deliverUntilAnswered(flow.hook, { n: i }, `server-kill-${i}`, { pauseMs: 500, deadlineMs: 90_000 });
    if (answer.status === 202 && answer.runId) answered.set(i, answer.runId);
  });
  await killer;

  const runIds = [...answered.values()];
  const ends = await Promise.all(runIds.map((runId) => awaitRunEnd(cluster, runId, 180_000)));
  const onTemporal = await runsOnTemporal(cluster, flow.id);
  const invisible = await invisibleRuns(cluster, onTemporal);
  const listed = await cluster.api(`/api/runs?flowId=${flow.id}&limit=50`);
  const listedIds = new Set(((listed.body as { items?: { id: string }[] }).items ?? []).map((run) => run.id));
  const succeeded = ends.filter((end) => end === 'succeeded').length;

  const broken: string[] = [];
  if (!killed) broken.push('the server was never killed');
  if (answered.size !== options.webhooks) broken.push(`${options.webhooks - answered.size} webhooks never got a 202`);
  if (succeeded !== runIds.length) broken.push(`${runIds.length - succeeded} answered runs did not succeed`);
  if (invisible.length > 0) broken.push(`${invisible.length} runs on Temporal are not shown by the runs API`);
  if (onTemporal.length !== new Set(runIds).size) {
    broken.push(`Temporal has ${onTemporal.length} runs, the senders were given ${new Set(runIds).size}`);
  }
  // The list shows the newest 50 (its largest page): each a run a sender was given.
  if (listedIds.size !== Math.min(50, runIds.length) || [...listedIds].some((id) => !runIds.includes(id))) {
    broken.push(`the runs list shows ${listedIds.size} runs, not the newest ${Math.min(50, runIds.length)} answered`);
  }
  return {
    name: `3. server SIGKILLed during ${options.webhooks} webhooks`,
    figures: {
      'first answers': tally(firstAnswers),
      accepted: answered.size,
      succeeded,
      lost: ends.filter((end) => end === 'lost').length,
      invisible: invisible.length,
      duplicated: Math.max(0, onTemporal.length - new Set(runIds).size),
    },
    broken,
  };
}
