import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type {
  ApiErrorBody,
  ContractViolationCounts,
  FlowDetail,
  InferContractResponse,
  RunDetail,
  StartRunResponse,
} from '@pipewright/api-contract';
import { CONTRACT_LIMITS } from '@pipewright/contracts';
import { awaitRun, type Harness, startHarness, TargetServer, waitFor, webhookToHttpDocument } from '../test-support.ts';
import { countContractViolations } from './contract-violations.repository.ts';

let harness: Harness;
const target = new TargetServer();
before(async () => {
  await target.start();
  harness = await startHarness({ worker: true });
});
after(async () => {
  await harness?.stop();
  await target.stop();
});

const api = () => harness.api();

const orderSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    order: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
  },
  required: ['order'],
};

/** A webhook → HTTP flow whose trigger has `contract`; published unless `publish: false`. */
async function contractFlow(name: string, contract: Record<string, unknown>, options: { publish?: boolean } = {}) {
  const url = target.script(`/${name}`, [{ status: 200, body: { ok: true } }]);
  const document = webhookToHttpDocument(url);
  const [trigger, call] = document.nodes;
  if (trigger) trigger.config = { method: 'POST', contract };
  // The flow reads the flag: the HTTP step sends whether the body kept the contract.
  if (call)
    call.config = { ...call.config, body: { name: '{{ trigger.body.name }}', valid: '{{ trigger.contract.valid }}' } };
  const flow = (await api().post('/api/flows').send({ name, document }).expect(201)).body as FlowDetail;
  if (options.publish !== false) await api().post(`/api/flows/${flow.id}/publish`).expect(201);
  return flow;
}

/** The run once closed on Temporal and shown closed by the API (the run starter may still be moving it out of the queue). */
async function finishedRun(runId: string): Promise<RunDetail> {
  await awaitRun(harness.temporal, runId);
  return waitFor(`run ${runId} to show as closed`, async () => {
    const run = (await api().get(`/api/runs/${runId}`).expect(200)).body as RunDetail;
    return run.status === 'queued' || run.status === 'running' ? undefined : run;
  });
}

/** The trigger node's output in a run, asserting it is an object. */
function hookOutput(run: RunDetail): { contract?: unknown; body?: unknown } {
  const output = run.nodes.hook?.output;
  assert.ok(typeof output === 'object' && output !== null, 'the trigger has an object output');
  return output;
}

async function runsOf(flowId: string): Promise<number> {
  const listed = (await api().get(`/api/runs?flowId=${flowId}`).expect(200)).body as { items: unknown[] } | unknown[];
  return Array.isArray(listed) ? listed.length : listed.items.length;
}

/** The server's contract-violation counter for the test workspace and `outcome`. */
async function violationMetric(outcome: 'rejected' | 'flagged'): Promise<number> {
  const text = await harness.metrics.metrics();
  const labels = [`outcome="${outcome}"`, `workspace="${harness.admin.workspaceId}"`];
  const line = text
    .split('\n')
    .find((row) => row.startsWith('pipewright_contract_violations_total{') && labels.every((l) => row.includes(l)));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const window = () => ({ from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000) });

describe('reject mode', () => {
  test('a body that breaks the contract gets 422 naming the field and starts no run; a good body gets 202', async () => {
    const flow = await contractFlow('reject', { mode: 'reject', schema: orderSchema });
    const rejectedBefore = await violationMetric('rejected');

    const bad = await api()
      .post(flow.webhookPath)
      .send({ order: { id: 42 } })
      .expect(422);
    assert.deepEqual((bad.body as ApiErrorBody).error, {
      code: 'contract_violation',
      message: 'body.order.id: must be string',
      issues: [{ path: 'body.order.id', message: 'must be string' }],
    });
    const missing = await api().post(flow.webhookPath).send({ name: 'x' }).expect(422);
    assert.equal((missing.body as ApiErrorBody).error.message, 'body.order: is required');
    assert.equal(await runsOf(flow.id), 0);

    const good = await api()
      .post(flow.webhookPath)
      .send({ name: 'Ada', order: { id: 'o-1' } })
      .expect(202);
    const run = await finishedRun((good.body as StartRunResponse).runId);
    assert.equal(run.status, 'succeeded');
    assert.equal(await runsOf(flow.id), 1);

    assert.equal((await violationMetric('rejected')) - rejectedBefore, 2);
    const stored = await countContractViolations(harness.db, {
      workspaceId: harness.admin.workspaceId,
      flowId: flow.id,
      ...window(),
    });
    assert.deepEqual(stored, { rejected: 2, flagged: 0, total: 2 });
  });

  test('a catastrophic pattern cannot hold the server: ^(a+)+$ against a long "aaaa…b" is answered at once', async () => {
    const flow = await contractFlow('redos', {
      mode: 'reject',
      schema: { properties: { name: { type: 'string', pattern: '^(a+)+$' } } },
    });
    const started = performance.now();
    const answer = await api()
      .post(flow.webhookPath)
      .send({ name: `${'a'.repeat(200_000)}b` })
      .expect(422);
    const elapsed = performance.now() - started;
    assert.equal((answer.body as ApiErrorBody).error.message, 'body.name: must match pattern "^(a+)+$"');
    // A backtracking engine would take longer than the universe has left; RE2 takes milliseconds.
    assert.ok(elapsed < 2_000, `answered in ${Math.round(elapsed)} ms`);
    await api().post(flow.webhookPath).send({ name: 'aaaa' }).expect(202);
  });
});

describe('flag mode', () => {
  test('a bad body is accepted, the run runs and shows the violation, and the violation is counted', async () => {
    const flow = await contractFlow('flag', { mode: 'flag', schema: orderSchema });
    const flaggedBefore = await violationMetric('flagged');

    const accepted = await api()
      .post(flow.webhookPath)
      .send({ name: 'Bob', order: { id: 7 } })
      .expect(202);
    const run = await finishedRun((accepted.body as StartRunResponse).runId);
    assert.equal(run.status, 'succeeded');
    const output = hookOutput(run);
    assert.deepEqual(output.contract, {
      valid: false,
      violations: [{ path: 'body.order.id', message: 'must be string' }],
    });
    assert.deepEqual(output.body, { name: 'Bob', order: { id: 7 } });
    const sent = target.requests
      .filter((request) => request.path === '/flag')
      .map((request) => JSON.parse(request.body));
    assert.deepEqual(sent, [{ name: 'Bob', valid: false }]);

    const good = await api()
      .post(flow.webhookPath)
      .send({ name: 'Cy', order: { id: 'o-2' } })
      .expect(202);
    const goodRun = await finishedRun((good.body as StartRunResponse).runId);
    assert.deepEqual(hookOutput(goodRun).contract, { valid: true, violations: [] });

    assert.equal((await violationMetric('flagged')) - flaggedBefore, 1);
    const counts = (await api().get(`/api/flows/${flow.id}/contract/violations?hours=1`).expect(200))
      .body as ContractViolationCounts;
    assert.equal(counts.flagged, 1);
    assert.equal(counts.rejected, 0);

    // Inference from the flow's recent deliveries: both bodies, `order.id` a string or a number.
    const inferred = (await api().post(`/api/flows/${flow.id}/contract/infer`).send({}).expect(200))
      .body as InferContractResponse;
    assert.equal(inferred.sampleCount, 2);
    assert.deepEqual(inferred.schema, {
      type: 'object',
      properties: {
        name: { type: 'string' },
        order: {
          type: 'object',
          properties: { id: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
          required: ['id'],
        },
      },
      required: ['name', 'order'],
    });
  });
});

describe('schema inference', () => {
  test('from posted samples; a flow with no deliveries is a 409; bad input a 400 naming the field', async () => {
    const flow = await contractFlow('infer', { mode: 'off' });
    const inferred = await api()
      .post(`/api/flows/${flow.id}/contract/infer`)
      .send({
        samples: [
          { id: 'a', tags: ['x'] },
          { id: 'b', n: 1.5 },
        ],
      })
      .expect(200);
    assert.deepEqual(inferred.body, {
      sampleCount: 2,
      schema: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          n: { type: 'number' },
          tags: { type: 'array', items: { type: 'string' } },
        },
        required: ['id'],
      },
    });
    const none = await api().post(`/api/flows/${flow.id}/contract/infer`).send({}).expect(409);
    assert.equal((none.body as ApiErrorBody).error.code, 'no_samples');
    const bad = await api().post(`/api/flows/${flow.id}/contract/infer`).send({ samples: 'x' }).expect(400);
    assert.match((bad.body as ApiErrorBody).error.message, /^samples: /);
    await api()
      .post('/api/flows/flw_nope/contract/infer')
      .send({ samples: [{}] })
      .expect(404);
  });
});

describe('a contract is checked at publish', () => {
  const deep = (levels: number) => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < levels; i++) schema = { properties: { a: schema } };
    return schema;
  };
  const cases: { name: string; contract: Record<string, unknown>; field: string; message: RegExp }[] = [
    {
      name: 'too deep',
      // 34 levels of JSON: past the contract's 32, within what a flow document may nest (64).
      contract: { mode: 'reject', schema: deep(CONTRACT_LIMITS.maxSchemaDepth / 2 + 1) },
      field: `config.contract.schema${'.properties.a'.repeat(16)}`,
      message: /nests deeper than 32 levels/,
    },
    {
      name: 'too large',
      contract: {
        mode: 'flag',
        schema: {
          properties: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`f${i}`, { type: 'string' }])),
        },
      },
      field: 'config.contract.schema',
      message: /a contract may have at most 65536/,
    },
    {
      name: 'invalid',
      contract: { mode: 'reject', schema: { properties: { id: { type: 'strin' } } } },
      field: 'config.contract.schema.properties.id.type',
      message: /allowed values/,
    },
    {
      name: 'a remote $ref',
      contract: { mode: 'reject', schema: { $ref: 'http://169.254.169.254/schema.json' } },
      field: 'config.contract.schema.$ref',
      message: /never fetched/,
    },
    {
      name: 'a backtracking-only pattern',
      contract: { mode: 'reject', schema: { properties: { a: { pattern: '^(?=x)' } } } },
      field: 'config.contract.schema.properties.a.pattern',
      message: /lookaround/,
    },
    {
      name: 'a mode without a schema',
      contract: { mode: 'flag' },
      field: 'config.contract.schema',
      message: /is needed/,
    },
  ];
  test('a schema nested past what a flow document may nest is refused at save (400 naming the document)', async () => {
    const url = target.script('/too-deep', [{ status: 200, body: {} }]);
    const document = webhookToHttpDocument(url);
    const [trigger] = document.nodes;
    if (trigger) trigger.config = { method: 'POST', contract: { mode: 'reject', schema: deep(40) } };
    const refused = await api().post('/api/flows').send({ name: 'too-deep', document }).expect(400);
    assert.match((refused.body as ApiErrorBody).error.message, /^document/);
  });
  for (const { name, contract, field, message } of cases) {
    test(`${name}: 422 naming the field, nothing published`, async () => {
      const flow = await contractFlow(`refused-${name}`, contract, { publish: false });
      const refused = await api().post(`/api/flows/${flow.id}/publish`).expect(422);
      const errors = (refused.body as ApiErrorBody).error.compileErrors ?? [];
      const located = errors.find((error) => error.nodeId === 'hook');
      assert.equal(located?.field, field, JSON.stringify(errors));
      assert.match(located?.message ?? '', message);
      assert.equal(((await api().get(`/api/flows/${flow.id}`).expect(200)).body as FlowDetail).latestVersion, null);
    });
  }
});
