import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FlowDetail, FlowScheduleView } from '@pipewright/api-contract';
import { uniqueName } from '@pipewright/devstack';
import { nextScheduleFireTimes } from '@pipewright/steps-core';
import { type Harness, startHarness, type TestDocument, webhookToHttpDocument } from '../test-support.ts';

// The product reads cron with croner (steps-core's schedule-cron.ts); Temporal reads it with its own parser.  These
// tests hold the two to the same fire times, through the real publish path and the real Temporal dev server.

let harness: Harness;
const created: string[] = [];
before(async () => {
  harness = await startHarness({ worker: false });
});
after(async () => {
  for (const id of created) await harness.api().delete(`/api/flows/${id}`);
  await harness?.stop();
});

function scheduleDocument(config: Record<string, unknown>): TestDocument {
  const document = webhookToHttpDocument('http://127.0.0.1:9/');
  const trigger = document.nodes[0];
  if (trigger) Object.assign(trigger, { id: 'hook', type: 'core.schedule', config });
  return document;
}

/** Croner's next five after `since`, less any that Temporal already saw pass before it answered. */
function cronerNextRuns(cron: string, timezone: string, since: Date, temporalFirst: string): string[] {
  const times = nextScheduleFireTimes({ cron, timezone, after: since, count: 6 }).map((time) => time.toISOString());
  while (times.length > 5 && (times[0] ?? '') < temporalFirst) times.shift();
  return times.slice(0, 5);
}

describe('croner and Temporal agree on the next five fire times', () => {
  const cases: [cron: string, timezone: string][] = [
    ['*/15 * * * *', 'UTC'],
    ['0 9 * * 1-5', 'UTC'],
    ['30 2 1 * *', 'UTC'],
    ['0 9 * * *', 'America/New_York'],
    ['0 9 * * MON-FRI', 'Europe/Berlin'],
    ['0 12 * jan-jun mon,wed,fri', 'Asia/Tokyo'],
    ['0 0 13 * FRI', 'UTC'],
    ['5/20 * * * *', 'UTC'],
    ['0 0 * * 5-7', 'Australia/Sydney'],
    ['@weekly', 'UTC'],
    ['30 0 9 * * * *', 'UTC'],
    ['0 9 1 * * 2027', 'UTC'],
    ['*/90 */5 * * *', 'UTC'],
  ];
  for (const [cron, timezone] of cases) {
    test(`"${cron}" in ${timezone}`, async () => {
      const document = scheduleDocument({ mode: 'cron', cron, timezone });
      const flow = (
        await harness
          .api()
          .post('/api/flows')
          .send({ name: `Cron ${cron}`, document })
          .expect(201)
      ).body as FlowDetail;
      created.push(flow.id);
      const since = new Date();
      await harness.api().post(`/api/flows/${flow.id}/publish`).expect(201);
      const view = (await harness.api().get(`/api/flows/${flow.id}/schedule`).expect(200)).body as FlowScheduleView;
      assert.equal(view.nextRuns.length, 5);
      assert.deepEqual(cronerNextRuns(cron, timezone, since, view.nextRuns[0] ?? ''), view.nextRuns);
    });
  }

  test('across DST changes in New York: a skipped 02:30 and a repeated 01:30', async () => {
    // The product cannot set a start time, so these go to Temporal directly; `startAt` puts the next fire times on
    // the 2027 transitions (14 March, 7 November).
    const timezone = 'America/New_York';
    const cases: [cron: string, startAt: string][] = [
      ['30 2 * * *', '2027-03-13T12:00:00Z'],
      ['30 1 * * *', '2027-11-06T12:00:00Z'],
      ['*/30 1-2 * * *', '2027-11-06T12:00:00Z'],
    ];
    for (const [cron, startAt] of cases) {
      const handle = await harness.temporal.schedule.create({
        scheduleId: uniqueName('dst'),
        spec: { cronExpressions: [cron], timezone, startAt: new Date(startAt) },
        action: { type: 'startWorkflow', workflowType: 'neverRuns', taskQueue: uniqueName('none'), args: [] },
      });
      try {
        const temporal = (await handle.describe()).info.nextActionTimes.slice(0, 5).map((time) => time.toISOString());
        const since = new Date(Date.parse(startAt) - 1000);
        const croner = nextScheduleFireTimes({ cron, timezone, after: since, count: 5 });
        assert.deepEqual(
          croner.map((time) => time.toISOString()),
          temporal,
          cron,
        );
      } finally {
        await handle.delete();
      }
    }
  });
  test('the croner forms refused at publish are refused by Temporal too, or mean something else there', async () => {
    const action = {
      type: 'startWorkflow',
      workflowType: 'neverRuns',
      taskQueue: uniqueName('none'),
      args: [],
    } as const;
    for (const cron of ['0 0 ? * *', '0 0 L * *', '0 0 15W * *', '0 0 * * 5L']) {
      await assert.rejects(
        harness.temporal.schedule.create({
          scheduleId: uniqueName('refused'),
          spec: { cronExpressions: [cron] },
          action,
        }),
        // The client turns Temporal's "Invalid schedule spec" (INVALID_ARGUMENT) into a TypeError.
        TypeError,
        cron,
      );
    }
    // "#" starts a comment for Temporal: "5#2" (croner: second Friday) would fire every Friday.
    const handle = await harness.temporal.schedule.create({
      scheduleId: uniqueName('comment'),
      spec: { cronExpressions: ['0 0 * * 5#2'] },
      action,
    });
    try {
      const times = (await handle.describe()).info.nextActionTimes.slice(0, 2);
      assert.equal(Number(times[1]) - Number(times[0]), 7 * 24 * 3600_000, 'every Friday');
    } finally {
      await handle.delete();
    }
  });
});
