import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type {
  ApprovalDecisionResponse,
  ApprovalsResponse,
  AuditEntryView,
  FlowDetail,
  RunDetail,
  StartRunResponse,
} from '@pipewright/api-contract';
import {
  awaitRun,
  createSignedInAgent,
  type Harness,
  type SignedInUser,
  startHarness,
  waitFor,
} from '../test-support.ts';

let harness: Harness;
let approver: SignedInUser & { agent(): ReturnType<Harness['api']> };
let bystander: SignedInUser & { agent(): ReturnType<Harness['api']> };
let flowId: string;

type DocNode = { id: string; type: string; config?: Record<string, unknown> };
const documentOf = (nodes: DocNode[], edges: [string, string, string?][]) => ({
  schemaVersion: 1,
  nodes: nodes.map((node, index) => ({ typeVersion: 1, position: { x: index * 200, y: 0 }, config: {}, ...node })),
  edges: edges.map(([source, target, sourcePort = 'out']) => ({
    id: `${source}_${sourcePort}_${target}`,
    source,
    sourcePort,
    target,
  })),
});

const said = (value: string) => ({ fields: [{ name: 'said', value }] });

before(async () => {
  harness = await startHarness({ worker: true });
  // A viewer named by e-mail decides; a builder the flow does not name may not (admins may: the `admin` role).
  approver = await createSignedInAgent(harness, { role: 'viewer' });
  bystander = await createSignedInAgent(harness, { role: 'builder' });
  const flow = (
    await harness
      .api()
      .post('/api/flows')
      .send({
        name: 'Refunds',
        document: documentOf(
          [
            { id: 'start', type: 'core.manual' },
            {
              id: 'ask',
              type: 'core.wait',
              config: {
                mode: 'approval',
                approvers: `admin, ${approver.email.toUpperCase()}`,
                title: 'Refund {{ trigger.body.amount }} €?',
                message: 'Order {{ trigger.body.order }}',
                timeoutSeconds: 3600,
              },
            },
            { id: 'refund', type: 'core.transform', config: said('{{ "refunded: " & steps.ask.comment }}') },
            { id: 'decline', type: 'core.transform', config: said('{{ "declined by " & steps.ask.decidedBy.email }}') },
          ],
          [
            ['start', 'ask'],
            ['ask', 'refund', 'approved'],
            ['ask', 'decline', 'rejected'],
          ],
        ),
      })
      .expect(201)
  ).body as FlowDetail;
  flowId = flow.id;
  await harness.api().post(`/api/flows/${flowId}/publish`).expect(201);
});
after(async () => {
  await harness?.stop();
});

async function startRun(payload: unknown): Promise<string> {
  const started = await harness.api().post(`/api/flows/${flowId}/runs`).send({ source: 'published', payload });
  assert.equal(started.status, 202, started.text);
  return (started.body as StartRunResponse).runId;
}
const listAs = async (agent: ReturnType<Harness['api']>) =>
  ((await agent.get('/api/approvals').expect(200)).body as ApprovalsResponse).approvals;
const listed = (runId: string) =>
  waitFor(`the approval of ${runId} to be listed`, async () =>
    (await listAs(approver.agent())).find((approval) => approval.runId === runId),
  );
const finalRun = async (runId: string) => {
  await awaitRun(harness.temporal, runId);
  return (await harness.api().get(`/api/runs/${runId}`).expect(200)).body as RunDetail;
};

describe('approvals', () => {
  test('the approver sees the run, a bystander is refused, the approval and its comment reach the run', async () => {
    const runId = await startRun({ amount: 30, order: 'A-42' });
    const pending = await listed(runId);
    assert.equal(pending.nodeId, 'ask');
    assert.equal(pending.flowName, 'Refunds');
    assert.equal(pending.title, 'Refund 30 €?');
    assert.equal(pending.message, 'Order A-42');
    assert.ok(pending.expiresAt !== undefined && Date.parse(pending.expiresAt) > Date.parse(pending.askedAt));
    const waiting = (await harness.api().get(`/api/runs/${runId}`).expect(200)).body as RunDetail;
    assert.equal(waiting.nodes.ask?.status, 'waiting');
    assert.equal(waiting.nodes.ask?.resumeUrl, undefined, 'no resume link: only approvers decide');

    assert.deepEqual(await listAs(bystander.agent()), [], 'not listed for a member the flow does not name');
    const refused = await bystander.agent().post(`/api/approvals/${runId}/ask`).send({ decision: 'approve' });
    assert.equal(refused.status, 403, refused.text);
    assert.match(refused.body.error.message, /not among the approvers of "Refund 30 €\?"/);

    const tooLong = await approver
      .agent()
      .post(`/api/approvals/${runId}/ask`)
      .send({
        decision: 'approve',
        comment: 'x'.repeat(2001),
      });
    assert.equal(tooLong.status, 400);
    assert.match(tooLong.body.error.message, /^comment:/);

    const decided = await approver
      .agent()
      .post(`/api/approvals/${runId}/ask`)
      .send({ decision: 'approve', comment: 'customer is right' });
    assert.equal(decided.status, 200, decided.text);
    const response = decided.body as ApprovalDecisionResponse;
    assert.equal(response.decision, 'approved');
    assert.deepEqual(response.decidedBy, { id: approver.userId, email: approver.email });

    // The first decision wins: a second one, even by an admin, finds nothing waiting.
    const second = await harness.api().post(`/api/approvals/${runId}/ask`).send({ decision: 'reject' });
    assert.equal(second.status, 409, second.text);
    assert.equal(second.body.error.code, 'approval_not_pending');
    assert.equal(
      (await listAs(approver.agent())).find((approval) => approval.runId === runId),
      undefined,
    );

    const run = await finalRun(runId);
    assert.equal(run.status, 'succeeded');
    assert.deepEqual(run.nodes.ask?.output, {
      approved: true,
      decision: 'approved',
      comment: 'customer is right',
      decidedBy: { id: approver.userId, email: approver.email },
      decidedAt: response.decidedAt,
    });
    assert.deepEqual(run.nodes.refund?.output, { said: 'refunded: customer is right' });
    assert.equal(run.nodes.decline?.status, 'skipped');

    const audit = ((await harness.api().get('/api/audit?limit=200').expect(200)).body as { items: AuditEntryView[] })
      .items;
    const entry = audit.find((item) => item.action === 'approval.approve' && item.target.id === runId);
    assert.ok(entry, 'the decision is in the audit log');
    assert.equal(entry.actor.email, approver.email);
  });

  test('a rejection takes the rejected path; a decision after the run ended answers 409', async () => {
    const runId = await startRun({ amount: 900, order: 'B-7' });
    await listed(runId);
    const decided = await harness.api().post(`/api/approvals/${runId}/ask`).send({ decision: 'reject' });
    assert.equal(decided.status, 200, decided.text);
    const run = await finalRun(runId);
    assert.equal(run.status, 'succeeded');
    const output = run.nodes.ask?.output as Record<string, unknown>;
    assert.equal(output.approved, false);
    assert.equal(output.decision, 'rejected');
    assert.equal('comment' in output, false);
    assert.deepEqual(run.nodes.decline?.output, { said: `declined by ${harness.admin.email}` });
    assert.equal(run.nodes.refund?.status, 'skipped');

    const late = await approver.agent().post(`/api/approvals/${runId}/ask`).send({ decision: 'approve' });
    assert.equal(late.status, 409, late.text);
    const unknown = await approver.agent().post('/api/approvals/run_unknown/ask').send({ decision: 'approve' });
    assert.equal(unknown.status, 404, unknown.text);
    const bad = await approver.agent().post(`/api/approvals/${runId}/ask`).send({ decision: 'maybe' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /^decision:/);
  });

  test('two decisions at once: one wins, the other answers 409', async () => {
    const runId = await startRun({ amount: 5, order: 'C-1' });
    await listed(runId);
    const answers = await Promise.all([
      approver.agent().post(`/api/approvals/${runId}/ask`).send({ decision: 'approve', comment: 'first?' }),
      harness.api().post(`/api/approvals/${runId}/ask`).send({ decision: 'reject', comment: 'or me?' }),
    ]);
    assert.deepEqual(answers.map((answer) => answer.status).sort(), [200, 409]);
    const winner = answers.find((answer) => answer.status === 200)?.body as ApprovalDecisionResponse;
    const run = await finalRun(runId);
    const output = run.nodes.ask?.output as ApprovalDecisionResponse | undefined;
    assert.equal(output?.decision, winner.decision);
    assert.equal(output?.comment, winner.comment);
  });

  test('nobody decides in time: the timeout path, and the approval leaves the list', async () => {
    const flow = (
      await harness
        .api()
        .post('/api/flows')
        .send({
          name: 'Hurried',
          document: documentOf(
            [
              { id: 'start', type: 'core.manual' },
              { id: 'ask', type: 'core.wait', config: { mode: 'approval', approvers: 'admin', timeoutSeconds: 1 } },
              { id: 'late', type: 'core.transform', config: said('too late') },
            ],
            [
              ['start', 'ask'],
              ['ask', 'late', 'timeout'],
            ],
          ),
        })
        .expect(201)
    ).body as FlowDetail;
    await harness.api().post(`/api/flows/${flow.id}/publish`).expect(201);
    const started = await harness.api().post(`/api/flows/${flow.id}/runs`).send({ source: 'published', payload: {} });
    const runId = (started.body as StartRunResponse).runId;
    const run = await finalRun(runId);
    assert.deepEqual(run.nodes.ask?.output, { timedOut: true });
    assert.deepEqual(run.nodes.late?.output, { said: 'too late' });
    assert.equal(
      (await listAs(harness.api())).find((approval) => approval.runId === runId),
      undefined,
    );
    const late = await harness.api().post(`/api/approvals/${runId}/ask`).send({ decision: 'approve' });
    assert.equal(late.status, 409, late.text);
  });

  test('publishing refuses an approval without approvers or timeout', async () => {
    const flow = (
      await harness
        .api()
        .post('/api/flows')
        .send({
          name: 'Unasked',
          document: documentOf(
            [
              { id: 'start', type: 'core.manual' },
              { id: 'ask', type: 'core.wait', config: { mode: 'approval' } },
            ],
            [['start', 'ask']],
          ),
        })
        .expect(201)
    ).body as FlowDetail;
    const refused = await harness.api().post(`/api/flows/${flow.id}/publish`).expect(422);
    const fields = (refused.body.error.compileErrors as { nodeId: string; field: string }[]).map(
      (error) => `${error.nodeId} ${error.field}`,
    );
    assert.deepEqual(fields.sort(), ['ask config.approvers', 'ask config.timeoutSeconds']);
  });
});
