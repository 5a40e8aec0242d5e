/**
 * Drill 5: senders that retry.  Many deliveries carrying few delivery ids, duplicates in random order and at once,
 * across a server SIGKILL and restart (deliveries that got no answer are sent again).  Exactly one run per id.
 */
import type { Cluster } from './cluster.ts';
import {
  awaitRunEnd,
  type DrillResult,
  deliverUntilAnswered,
  inLanes,
  pause,
  publish,
  runsOnTemporal,
  tally,
} from './drill.ts';
import { fiveStepFlow, type SlowTarget } from './target.ts';

export async function retryingSenders(
  cluster: Cluster,
  target: SlowTarget,
  options: { deliveries: number; ids: number },
): Promise<DrillResult> {
  const flow = await publish(cluster, 'drill retrying senders', fiveStepFlow(`${target.url}/retrying-senders`));
  const statuses: number[] = [];
  const runIdsById = new Map<string, Set<string>>();
  let done = 0;
  const restart = (async () => {
    while (done < options.deliveries / 2) await pause(5);
    await cluster.kill('server');
    await cluster.start('server');
  })();
  await inLanes(options.deliveries, 20, async () => {
    const id = `delivery-${Math.floor(Math.random() * options.ids)}`;
    const answer = await deliverUntilAnswered(flow.hook, { id }, id, { pauseMs: 300, deadlineMs: 90_000 });
    statuses.push(answer.status);
    if (answer.runId) runIdsById.set(id, (runIdsById.get(id) ?? new Set()).add(answer.runId));
    done++;
  });
  await restart;

  const runIds = [...new Set([...runIdsById.values()].flatMap((ids) => [...ids]))];
  const ends = await Promise.all(runIds.map((runId) => awaitRunEnd(cluster, runId, 180_000)));
  const onTemporal = await runsOnTemporal(cluster, flow.id);
  const listed = await cluster.api(`/api/runs?flowId=${flow.id}&limit=50`);
  const listedCount = ((listed.body as { items?: unknown[] }).items ?? []).length;

  const broken: string[] = [];
  const idsUsed = runIdsById.size;
  const split = [...runIdsById].filter(([, ids]) => ids.size > 1);
  if (split.length > 0) broken.push(`${split.length} delivery ids were answered with more than one run id`);
  if (onTemporal.length !== idsUsed) broken.push(`${onTemporal.length} runs on Temporal for ${idsUsed} delivery ids`);
  if (listedCount !== idsUsed) broken.push(`the runs list shows ${listedCount} runs for ${idsUsed} delivery ids`);
  if (ends.some((end) => end !== 'succeeded')) broken.push('a run did not succeed');
  return {
    name: `5. ${options.deliveries} deliveries of ${options.ids} ids, server restarted midway`,
    figures: {
      answers: tally(statuses),
      'delivery ids': idsUsed,
      'runs on Temporal': onTemporal.length,
      'runs listed': listedCount,
      duplicated: Math.max(0, onTemporal.length - idsUsed),
    },
    broken,
  };
}
