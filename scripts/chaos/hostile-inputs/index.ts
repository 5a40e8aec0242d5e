/**
 * Drill 6: hostile inputs.  Generated flow documents and API bodies that a careless or malicious client sends: wrong
 * types at random paths, missing fields, JSON nested 5,000 levels deep, `__proto__` / `constructor` / `prototype`
 * keys, strings of 1–6 MB, graph cycles, edges to nodes that do not exist, unknown step types and versions, hostile
 * expressions, lone surrogates and invalid UTF-8, 1e400 and NaN.  They go to every endpoint that takes a body and to
 * a published flow's webhook.  Proves: every request is answered, never with a 5xx (a server that stops answering is
 * restarted and the requests in flight named); every 4xx is `{ error: { code, message } }` naming what was wrong (a
 * field path, a located compile error, the body, a header); input that is not valid is never accepted; and what was
 * stored before (the flow, its version, credentials, members) reads back byte-identical afterwards.  Seeded:
 * `CHAOS_SEED=<seed>` sends the same cases again (case i depends only on the seed and i).  This module runs the
 * drill; the cases are made in requests.ts, judged in verdict.ts.
 */
import type { Cluster } from '../cluster.ts';
import { type DrillResult, inLanes, publish } from '../drill.ts';
import { validDocument } from './documents.ts';
import { Findings } from './findings.ts';
import { JSON_TYPE, type Stage } from './hostile-request.ts';
import { caseRandom, seedFromEnv } from './random.ts';
import { hostileRequest } from './requests.ts';
import { type Answer, createdId, type Prepared, prepare, send } from './sending.ts';
import { MAX_RESTARTS, ServerWatch } from './server-watch.ts';
import { difference, snapshot, watchedPaths } from './stored-data.ts';

const LANES = 4;

async function setUp(cluster: Cluster): Promise<Stage> {
  const flow = await publish(cluster, 'drill hostile inputs', validDocument());
  const detail = await cluster.api(`/api/flows/${flow.id}`);
  const me = await cluster.api('/api/auth/me');
  const types = await cluster.api('/api/credential-types');
  const firstType = (types.body as { items?: { type?: string }[] }).items?.[0]?.type;
  if (firstType === undefined) throw new Error(`no credential types: ${types.status} ${JSON.stringify(types.body)}`);
  return {
    flowId: flow.id,
    hookPath: new URL(flow.hook).pathname,
    revision: (detail.body as { revision: number }).revision,
    userId: (me.body as { user: { id: string } }).user.id,
    credentialType: firstType,
  };
}

export async function hostileInputs(cluster: Cluster, options: { cases: number }): Promise<DrillResult> {
  const seed = seedFromEnv();
  const stage = await setUp(cluster);
  const watched = watchedPaths(stage.flowId);
  const before = await snapshot(cluster, watched, new Set());
  const findings = new Findings(seed);
  const watch = new ServerWatch(cluster);

  const exchange = async (label: string, request: Prepared): Promise<Answer> => {
    await watch.ready();
    watch.sending(label, request.what);
    const answer = await send(cluster, request);
    const hung = answer.status === 0 && (await watch.check());
    watch.answered(label);
    findings.record(label, request, answer, hung);
    return answer;
  };

  /** A stored draft must publish, or be refused with located errors: the compiler meets the hostile document. */
  const publishStored = async (index: number, flowId: string, what: string) => {
    const publishing = prepare({
      target: 'publish',
      method: 'POST',
      path: `/api/flows/${flowId}/publish`,
      body: '',
      contentType: JSON_TYPE,
      what: `publishing the draft with ${what}`,
      refuse: false,
    });
    if ((await exchange(`${index} (publish)`, publishing)).status === 201) findings.published++;
  };

  await inLanes(options.cases, LANES, async (index) => {
    if (watch.gaveUp) return;
    findings.sent++;
    const request = prepare(hostileRequest(caseRandom(seed, index), stage));
    const answer = await exchange(String(index), request);
    if (request.target === 'update' && answer.status === 200) {
      // Already a breach; later updates still test documents, not a stale revision.
      stage.revision = (JSON.parse(answer.text) as { revision: number }).revision;
    }
    const id = answer.status === 201 ? createdId(answer) : undefined;
    if (id === undefined) return;
    findings.created.add(id);
    if (request.target === 'credential') findings.credentials++;
    if (request.target !== 'create') return;
    findings.drafts.push(request.what);
    await publishStored(index, id, request.what);
  });

  const after = await snapshot(cluster, watched, findings.created);
  const changed = watched.filter((path) => before.get(path) !== after.get(path));
  const broken = [...watch.hangs, ...findings.breaches.lines()];
  for (const path of changed) {
    broken.push(`stored data changed: GET ${path} ${difference(before.get(path) ?? '', after.get(path) ?? '')}`);
  }
  if (watch.gaveUp)
    broken.push(`sending stopped after ${MAX_RESTARTS} restarts: ${findings.sent} of ${options.cases} cases sent`);
  return {
    name: `6. ${options.cases} hostile inputs`,
    figures: findings.figures(seed, changed, watch.hangs.length),
    broken,
  };
}
