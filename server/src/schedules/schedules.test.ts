import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FlowDetail, FlowScheduleView, RunDetail, RunSummary } from '@pipewright/api-contract';
import { ScheduleNotFoundError } from '@temporalio/client';
import {
  awaitRun,
  type Harness,
  startHarness,
  TargetServer,
  type TestDocument,
  waitFor,
  webhookToHttpDocument,
} from '../test-support.ts';
import { scheduleIdOf } from './schedules.service.ts';

let harness: Harness;
const target = new TargetServer();
const created: string[] = [];
before(async () => {
  await target.start();
  harness = await startHarness({ worker: true });
});
after(async () => {
  // Deleting a flow deletes its schedule: none may outlive the test and keep firing on the shared Temporal.
  for (const id of created) await harness.api().delete(`/api/flows/${id}`);
  await harness?.stop();
  await target.stop();
});

const api = () => harness.api();

function scheduleDocument(config: Record<string, unknown>): TestDocument {
  const document = webhookToHttpDocument(target.script('/tick', [{ status: 200, body: { tick: true } }]));
  const trigger = document.nodes[0];
  if (trigger) Object.assign(trigger, { id: 'hook', type: 'core.schedule', config });
  return document;
}

async function createFlow(name: string, document: TestDocument): Promise<FlowDetail> {
  const flow = (await api().post('/api/flows').send({ name, document }).expect(201)).body as FlowDetail;
  created.push(flow.id);
  return flow;
}

async function schedule(flowId: string): Promise<FlowScheduleView> {
  return (await api().get(`/api/flows/${flowId}/schedule`).expect(200)).body as FlowScheduleView;
}

/** Asks GET /api/runs until `enough` holds (scheduled runs are picked up from Temporal when listing). */
async function runsUntil(flowId: string, enough: (runs: RunSummary[]) => boolean): Promise<RunSummary[]> {
  let seen = 0;
  return waitFor(
    () => `enough runs of ${flowId} to be listed (have ${seen})`,
    async () => {
      const { items } = (await api().get(`/api/runs?flowId=${flowId}&limit=50`).expect(200)).body as {
        items: RunSummary[];
      };
      seen = items.length;
      return enough(items) ? items : undefined;
    },
    { intervalMs: 200 },
  );
}

/** One field of a node's output in a run, asserting the node has an object output. */
function outputField(run: RunDetail, nodeId: string, field: string): unknown {
  const output = run.nodes[nodeId]?.output;
  assert.ok(typeof output === 'object' && output !== null, `node ${nodeId} has an object output`);
  return (output as Record<string, unknown>)[field];
}

async function actionsTaken(flowId: string): Promise<number> {
  return (await harness.temporal.schedule.getHandle(scheduleIdOf(flowId)).describe()).info.numActionsTaken;
}

describe('interval schedules', () => {
  test('a 1 s interval produces runs listed with trigger "schedule"; pause stops them, resume restarts', async () => {
    const flow = await createFlow('Every second', scheduleDocument({ mode: 'interval', intervalSeconds: 1 }));
    await api().post(`/api/flows/${flow.id}/publish`).expect(201);
    const runs = await runsUntil(flow.id, (items) => items.length >= 2);
    for (const run of runs) {
      assert.equal(run.trigger, 'schedule');
      assert.equal(run.version, 1);
      assert.equal(run.flowName, 'Every second');
      assert.match(run.id, new RegExp(`^run_${flow.id}_schedule-`));
    }
    const first = runs.at(-1);
    assert.ok(first);
    await awaitRun(harness.temporal, first.id);
    const detail = (await api().get(`/api/runs/${first.id}`).expect(200)).body as RunDetail;
    assert.equal(detail.status, 'succeeded');
    const scheduledAt = String(outputField(detail, 'hook', 'scheduledAt'));
    assert.ok(Math.abs(Date.parse(scheduledAt) - Date.parse(detail.startedAt)) < 5_000, scheduledAt);
    assert.match(scheduledAt, /\.000Z$/, 'the fire time (whole seconds), not when the worker got to it');
    assert.deepEqual(outputField(detail, 'call', 'body'), { tick: true });

    const active = await schedule(flow.id);
    assert.equal(active.state, 'active');
    assert.deepEqual(active.spec, { intervalSeconds: 1 });
    assert.equal(active.overlap, 'skip');

    const paused = (await api().post(`/api/flows/${flow.id}/schedule/pause`).expect(200)).body as FlowScheduleView;
    assert.equal(paused.state, 'paused');
    const takenAtPause = await actionsTaken(flow.id);
    // "No run happens" has no event of its own: a twin schedule on the same 1 s grid, published now, fires twice;
    // each time it does, the paused one would have fired too.
    const twin = await createFlow('Every second, twin', scheduleDocument({ mode: 'interval', intervalSeconds: 1 }));
    await api().post(`/api/flows/${twin.id}/publish`).expect(201);
    await waitFor(`two runs of the twin schedule ${twin.id}`, async () =>
      (await actionsTaken(twin.id)) >= 2 ? true : undefined,
    );
    assert.equal(await actionsTaken(flow.id), takenAtPause, 'a paused schedule starts no runs');
    await api().delete(`/api/flows/${twin.id}`).expect(204);

    // A user's pause survives a publish.
    await api().post(`/api/flows/${flow.id}/publish`).expect(201);
    assert.equal((await schedule(flow.id)).state, 'paused');

    const resumed = (await api().post(`/api/flows/${flow.id}/schedule/resume`).expect(200)).body as FlowScheduleView;
    assert.equal(resumed.state, 'active');
    await waitFor(`the resumed schedule of ${flow.id} to start a run`, async () =>
      (await actionsTaken(flow.id)) > takenAtPause ? true : undefined,
    );
  });
});

describe('cron schedules', () => {
  test('next five fire times of 0 9 * * MON-FRI in Europe/Berlin are weekdays at 09:00 Berlin time', async () => {
    const flow = await createFlow(
      'Weekday mornings',
      scheduleDocument({ mode: 'cron', cron: '0 9 * * MON-FRI', timezone: 'Europe/Berlin', overlap: 'bufferOne' }),
    );
    assert.equal((await schedule(flow.id)).state, 'none', 'no schedule before the first publish');
    await api().post(`/api/flows/${flow.id}/publish`).expect(201);
    const view = await schedule(flow.id);
    assert.equal(view.state, 'active');
    assert.equal(view.overlap, 'bufferOne');
    assert.deepEqual(view.spec, { cron: '0 9 * * MON-FRI', timezone: 'Europe/Berlin' });
    assert.equal(view.nextRuns.length, 5);
    const berlin = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Berlin',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    let previous = Date.now();
    for (const iso of view.nextRuns) {
      const time = Date.parse(iso);
      assert.ok(time > previous, `${iso} is after the one before`);
      previous = time;
      const parts = Object.fromEntries(berlin.formatToParts(new Date(time)).map((part) => [part.type, part.value]));
      assert.ok(['Mon', 'Tue', 'Wed', 'Thu', 'Fri'].includes(parts.weekday ?? ''), `${iso} is a weekday in Berlin`);
      assert.equal(`${parts.hour}:${parts.minute}:${parts.second}`, '09:00:00', `${iso} is 09:00 in Berlin`);
    }
    // Five weekdays in a row: no weekday skipped, so at most 3 days (a weekend) between two fire times.
    for (let index = 1; index < view.nextRuns.length; index += 1) {
      const gap = Date.parse(view.nextRuns[index] ?? '') - Date.parse(view.nextRuns[index - 1] ?? '');
      assert.ok(gap >= 23 * 3600_000 && gap <= 3 * 24 * 3600_000 + 3600_000, `gap ${gap}`);
    }
  });

  test('a bad cron or time zone is refused at publish, located on the field', async () => {
    const badCron = await createFlow('Bad cron', scheduleDocument({ mode: 'cron', cron: '0 25 * * *' }));
    const cron = await api().post(`/api/flows/${badCron.id}/publish`).expect(422);
    assert.deepEqual(
      cron.body.error.compileErrors.map((error: { nodeId: string; field: string }) => [error.nodeId, error.field]),
      [['hook', 'config.cron']],
    );
    assert.match(cron.body.error.compileErrors[0].message, /hour/);
    const badZone = await createFlow(
      'Bad zone',
      scheduleDocument({ mode: 'cron', cron: '0 9 * * *', timezone: 'Mars/Base' }),
    );
    const zone = await api().post(`/api/flows/${badZone.id}/publish`).expect(422);
    assert.equal(zone.body.error.compileErrors[0].field, 'config.timezone');
    assert.match(zone.body.error.compileErrors[0].message, /Mars\/Base/);
    assert.equal((await schedule(badZone.id)).state, 'none');
    await api().post(`/api/flows/${badZone.id}/schedule/pause`).expect(404);
  });

  test('publishing a version whose trigger is a webhook deletes the schedule', async () => {
    const flow = await createFlow('Switches', scheduleDocument({ mode: 'cron', cron: '@daily', paused: true }));
    await api().post(`/api/flows/${flow.id}/publish`).expect(201);
    assert.equal((await schedule(flow.id)).state, 'paused', 'config paused: true publishes it paused');
    const current = (await api().get(`/api/flows/${flow.id}`).expect(200)).body as FlowDetail;
    const document = webhookToHttpDocument('http://127.0.0.1:9/');
    await api().put(`/api/flows/${flow.id}`).send({ document, revision: current.revision }).expect(200);
    await api().post(`/api/flows/${flow.id}/publish`).expect(201);
    assert.equal((await schedule(flow.id)).state, 'none');
    await assert.rejects(
      harness.temporal.schedule.getHandle(scheduleIdOf(flow.id)).describe(),
      (error: unknown) => error instanceof ScheduleNotFoundError,
    );
  });
});
