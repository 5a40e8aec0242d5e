/// <reference types="node" />
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ExecutionPlan, PlanInput, PlanLoopBody, PlanNode, RunState } from '@pipewright/run-contract';
import type {
  ChildRunRequest,
  LoopChunkRequest,
  RunEffects,
  StepActivityRequest,
  WaitForApprovalRequest,
  WaitForEventRequest,
} from './effects.ts';
import { createInitialState, executePlan } from './execute-plan.ts';
import { runLoopChunk } from './loop-chunk.ts';

const RETRY = { maxAttempts: 1, initialIntervalMs: 1000, backoffCoefficient: 2, maxIntervalMs: 30_000 };
const RUN = { id: 'run-1', workspaceId: 'ws-1' };
const from = (nodeId: string, port = 'out'): PlanInput => ({ nodeId, port });
const ITEM = from('$item');

function planNode(id: string, inputs: PlanInput[], overrides: Partial<PlanNode> = {}): PlanNode {
  return {
    id,
    type: 'core.transform',
    typeVersion: 1,
    title: id,
    kind: 'transform',
    runsIn: 'workflow',
    upstream: [...new Set(inputs.map((input) => input.nodeId))],
    inputs,
    config: {},
    retry: RETRY,
    timeoutMs: 30_000,
    taskQueue: 'q',
    ...overrides,
  };
}
const trigger = planNode('hook', [], { type: 'core.webhook', kind: 'trigger' });
const value = (id: string, inputs: PlanInput[], result: unknown) =>
  planNode(id, inputs, { config: { fields: [{ name: 'v', value: result }] } });
const http = (id: string, inputs: PlanInput[], config: Record<string, unknown>) =>
  planNode(id, inputs, { type: 'http.request', kind: 'action', runsIn: 'activity', config });
const wait = (id: string, inputs: PlanInput[], config: Record<string, unknown>) =>
  planNode(id, inputs, { type: 'core.wait', config, outputs: config.mode === 'event' ? ['out', 'timeout'] : ['out'] });
const loop = (id: string, inputs: PlanInput[], config: Record<string, unknown>, body: PlanLoopBody) =>
  planNode(id, inputs, { type: 'core.loop', config, body });

function plan(nodes: PlanNode[], flowId = 'flow-1'): ExecutionPlan {
  return {
    planFormat: 1,
    runtimeVersion: 1,
    expressionEngine: 'jsonata@2.2.2',
    flowId,
    version: 1,
    hash: 'test',
    triggerNodeId: 'hook',
    nodes,
  };
}

/** A controllable promise: the test decides when (and with what) it settles. */
function deferred<T>() {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** Lets every pending promise chain run (expressions are evaluated asynchronously); no timers involved. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function baseEffects(overrides: Partial<RunEffects> = {}): RunEffects {
  let clock = 1_000_000;
  return {
    now: () => clock++,
    async executeStep(request) {
      return { output: { echo: request.input }, attempts: 1 };
    },
    ...overrides,
  };
}

async function run(nodes: PlanNode[], body: unknown, effects: RunEffects): Promise<RunState> {
  const p = plan(nodes);
  const state = createInitialState(p, effects.now());
  return executePlan({ plan: p, trigger: { body }, run: RUN }, effects, state);
}

describe('Wait', () => {
  test('delay: a durable timer of durationSeconds, and the node shows waiting until it fires', async () => {
    const timer = deferred<void>();
    const slept: number[] = [];
    const effects = baseEffects({
      sleep(ms) {
        slept.push(ms);
        return timer.promise;
      },
    });
    const p = plan([
      trigger,
      wait('pause', [from('hook')], { mode: 'delay', durationSeconds: 90 }),
      value('after', [from('pause')], 'done'),
    ]);
    const state = createInitialState(p, effects.now());
    const running = executePlan({ plan: p, trigger: {}, run: RUN }, effects, state);
    await flush();
    assert.deepEqual(slept, [90_000]);
    assert.equal(state.nodes.pause?.status, 'waiting');
    assert.equal(typeof state.nodes.pause?.waitingUntil, 'number');
    assert.equal(state.nodes.after?.status, 'pending');
    timer.resolve();
    await running;
    assert.equal(state.status, 'succeeded');
    assert.equal(state.nodes.pause?.status, 'succeeded');
    assert.equal(state.nodes.pause?.waitingUntil, undefined);
    assert.deepEqual(state.nodes.after?.output, { v: 'done' });
  });

  test('until: sleeps from now to the evaluated date; a date in the past does not sleep', async () => {
    const slept: number[] = [];
    const effects = baseEffects({
      now: () => Date.parse('2030-01-01T00:00:00Z'),
      async sleep(ms) {
        slept.push(ms);
      },
    });
    const nodes = [trigger, wait('pause', [from('hook')], { mode: 'until', until: '{{ trigger.body.at }}' })];
    const later = await run(nodes, { at: '2030-01-01T01:00:00Z' }, effects);
    assert.equal(later.status, 'succeeded');
    assert.deepEqual(slept, [3_600_000]);
    await run(nodes, { at: '2020-01-01T00:00:00Z' }, effects);
    assert.deepEqual(slept, [3_600_000], 'no second timer');
    const bad = await run(nodes, { at: 'next tuesday' }, effects);
    assert.match(bad.error?.message ?? '', /until: "next tuesday" is not a date\/time/);
  });

  const approval = () => [
    trigger,
    wait('approve', [from('hook')], { mode: 'event', eventName: 'approval', timeoutSeconds: 3600 }),
    value('approved', [from('approve')], '{{ input.decision }}'),
    value('expired', [from('approve', 'timeout')], 'too late'),
  ];

  test('event: resumes with the payload as output, downstream of out runs', async () => {
    const requests: WaitForEventRequest[] = [];
    const effects = baseEffects({
      async waitForEvent(request) {
        requests.push(request);
        return { timedOut: false, payload: { decision: 'yes' } };
      },
    });
    const state = await run(approval(), {}, effects);
    assert.deepEqual(requests, [{ nodeId: 'approve', eventName: 'approval', timeoutMs: 3_600_000 }]);
    assert.deepEqual(state.nodes.approve?.output, { decision: 'yes' });
    assert.deepEqual(state.nodes.approved?.output, { v: 'yes' });
    assert.equal(state.nodes.expired?.status, 'skipped');
  });

  test('event: the timeout takes the timeout path; without one the run fails, saying so', async () => {
    const effects = baseEffects({ waitForEvent: async () => ({ timedOut: true }) });
    const state = await run(approval(), {}, effects);
    assert.equal(state.status, 'succeeded');
    assert.equal(state.nodes.approved?.status, 'skipped');
    assert.deepEqual(state.nodes.expired?.output, { v: 'too late' });

    const unhandled = await run(approval().slice(0, 3), {}, effects);
    assert.equal(unhandled.status, 'failed');
    assert.match(
      unhandled.error?.message ?? '',
      /node "approve": no "approval" event arrived within 3600 s \(connect its "timeout" output/,
    );
  });

  test('approval: waits for a decision with the evaluated approvers and title; the decision picks the port', async () => {
    const requests: WaitForApprovalRequest[] = [];
    const decidedBy = { id: 'usr_1', email: 'ada@example.com' };
    const nodes = [
      trigger,
      wait('ask', [from('hook')], {
        mode: 'approval',
        approvers: '{{ trigger.body.manager }}, admin',
        title: 'Refund {{ trigger.body.amount }}?',
        timeoutSeconds: 60,
      }),
      value('yes', [from('ask', 'approved')], '{{ input.comment }}'),
      value('no', [from('ask', 'rejected')], 'no'),
      value('late', [from('ask', 'timeout')], 'late'),
    ];
    const answer = (decision: 'approved' | 'rejected') =>
      baseEffects({
        async waitForApproval(request) {
          requests.push(request);
          return { timedOut: false, decision, comment: 'fine', decidedBy, decidedAt: '2030-01-01T00:00:00.000Z' };
        },
      });
    const approved = await run(nodes, { manager: 'Bo@Example.com', amount: 30 }, answer('approved'));
    assert.deepEqual(requests, [
      {
        run: RUN,
        flowId: 'flow-1',
        nodeId: 'ask',
        approvers: ['bo@example.com', 'admin'],
        title: 'Refund 30?',
        message: undefined,
        timeoutMs: 60_000,
      },
    ]);
    assert.deepEqual(approved.nodes.ask?.output, {
      approved: true,
      decision: 'approved',
      comment: 'fine',
      decidedBy,
      decidedAt: '2030-01-01T00:00:00.000Z',
    });
    assert.deepEqual(approved.nodes.yes?.output, { v: 'fine' });
    assert.equal(approved.nodes.no?.status, 'skipped');
    const rejected = await run(nodes, { manager: 'bo@example.com', amount: 30 }, answer('rejected'));
    assert.deepEqual(rejected.nodes.no?.output, { v: 'no' });
    assert.equal(rejected.nodes.yes?.status, 'skipped');
    const timedOut = await run(
      nodes,
      { manager: 'x' },
      baseEffects({ waitForApproval: async () => ({ timedOut: true }) }),
    );
    assert.deepEqual(timedOut.nodes.late?.output, { v: 'late' });
    assert.equal(timedOut.nodes.yes?.status, 'skipped');
    const noWorker = await run(nodes, { manager: 'x' }, baseEffects({}));
    assert.equal(noWorker.error?.message, 'node "ask": this worker cannot run approvals');
  });

  test('event: shows waiting for the event name while it waits', async () => {
    const event = deferred<{ timedOut: false; payload: unknown }>();
    const effects = baseEffects({ waitForEvent: () => event.promise });
    const p = plan(approval());
    const state = createInitialState(p, effects.now());
    const running = executePlan({ plan: p, trigger: {}, run: RUN }, effects, state);
    await flush();
    assert.equal(state.nodes.approve?.status, 'waiting');
    assert.equal(state.nodes.approve?.waitingFor, 'approval');
    event.resolve({ timedOut: false, payload: { decision: 'no' } });
    await running;
    assert.equal(state.nodes.approve?.waitingFor, undefined);
  });

  test('tells the live view when it starts waiting, for a timer and for an event', async () => {
    const seen: string[] = [];
    let state: RunState | undefined;
    const effects = baseEffects({
      onStateChange: () => {
        const entry = state?.nodes.pause;
        if (entry?.status === 'waiting') seen.push(entry.waitingFor ?? `until ${entry.waitingUntil}`);
      },
      sleep: async () => {},
      waitForEvent: async () => ({ timedOut: false, payload: null }),
    });
    for (const config of [{ durationSeconds: 5 }, { mode: 'event', eventName: 'ok' }, { mode: 'event' }]) {
      const p = plan([trigger, wait('pause', [from('hook')], config)]);
      state = createInitialState(p, effects.now());
      await executePlan({ plan: p, trigger: {}, run: RUN }, effects, state);
    }
    assert.equal(seen.length, 3);
    assert.match(seen[0] ?? '', /^until \d+$/);
    assert.deepEqual(seen.slice(1), ['ok', '*']);
  });

  test('outputs when it stopped waiting: the date it waited until, or now for a date already past', async () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    const slept: number[] = [];
    const effects = baseEffects({
      now: () => now,
      async sleep(ms) {
        slept.push(ms);
      },
    });
    const cases: [Record<string, unknown>, string][] = [
      [{ mode: 'until', until: '2030-01-01T01:00:00Z' }, '2030-01-01T01:00:00.000Z'],
      [{ mode: 'until', until: '2020-01-01T00:00:00Z' }, '2030-01-01T00:00:00.000Z'],
      [{ mode: 'until', until: now }, '2030-01-01T00:00:00.000Z'],
      [{ durationSeconds: 90 }, '2030-01-01T00:01:30.000Z'],
      [{ mode: 'delay', durationSeconds: 0 }, '2030-01-01T00:00:00.000Z'],
    ];
    for (const [config, waitedUntil] of cases) {
      const state = await run([trigger, wait('pause', [from('hook')], config)], {}, effects);
      assert.deepEqual(state.nodes.pause?.output, { waitedUntil }, JSON.stringify(config));
    }
    assert.deepEqual(slept, [3_600_000, 90_000], 'a timer only for a time still ahead');
  });

  const refusals: {
    name: string;
    config: Record<string, unknown>;
    without?: 'sleep' | 'waitForEvent';
    message: string;
  }[] = [
    {
      name: 'a negative delay',
      config: { durationSeconds: -5 },
      message: 'durationSeconds: must be a number of seconds, got -5',
    },
    {
      name: 'no delay',
      config: { mode: 'delay' },
      message: 'durationSeconds: must be a number of seconds, got null',
    },
    {
      name: 'an unknown mode',
      config: { mode: 'sometime' },
      message: 'mode: must be delay, until, event or approval, got "sometime"',
    },
    {
      name: 'a negative event timeout',
      config: { mode: 'event', timeoutSeconds: -1 },
      message: 'timeoutSeconds: must be a number of seconds, got -1',
    },
    {
      name: 'a timer on a worker without timers',
      config: { durationSeconds: 5 },
      without: 'sleep',
      message: 'this worker cannot run timers',
    },
    {
      name: 'an event wait on a worker without event waits',
      config: { mode: 'event' },
      without: 'waitForEvent',
      message: 'this worker cannot run event waits',
    },
  ];
  for (const { name, config, without, message } of refusals) {
    test(`refuses ${name}`, async () => {
      const ready = baseEffects({
        sleep: async () => {},
        waitForEvent: async () => ({ timedOut: false, payload: null }),
      });
      if (without) delete ready[without];
      const state = await run([trigger, wait('pause', [from('hook')], config)], {}, ready);
      assert.equal(state.error?.message, `node "pause": ${message}`);
    });
  }

  test('event: a timeout outputs timedOut; a resume of any name and no timeout is waited for without limit', async () => {
    const requests: WaitForEventRequest[] = [];
    const effects = baseEffects({
      async waitForEvent(request) {
        requests.push(request);
        return { timedOut: true };
      },
    });
    const handled = await run(approval(), {}, effects);
    assert.deepEqual(handled.nodes.approve?.output, { timedOut: true });
    const unnamed = await run(
      [trigger, wait('approve', [from('hook')], { mode: 'event', eventName: '' })],
      {},
      effects,
    );
    assert.deepEqual(requests[1], { nodeId: 'approve', eventName: undefined, timeoutMs: undefined });
    assert.match(unnamed.error?.message ?? '', /node "approve": no resume arrived within 0 s/);
  });

  test("event: another Wait's timeout branch does not handle this one's timeout", async () => {
    const effects = baseEffects({
      waitForEvent: async (request) =>
        request.nodeId === 'first' ? { timedOut: true } : { timedOut: false, payload: null },
    });
    const state = await run(
      [
        trigger,
        wait('first', [from('hook')], { mode: 'event', timeoutSeconds: 60 }),
        wait('second', [from('hook')], { mode: 'event', timeoutSeconds: 60 }),
        value('late', [from('second', 'timeout')], 'second timed out'),
      ],
      {},
      effects,
    );
    assert.equal(state.status, 'failed');
    assert.match(state.error?.message ?? '', /node "first": no resume arrived within 60 s/);
  });
});

describe('Loop', () => {
  const body = (nodes: PlanNode[], extra: Partial<PlanLoopBody> = {}): PlanLoopBody => ({
    nodes,
    entry: nodes.filter((node) => node.inputs?.some((input) => input.nodeId === '$item')).map((node) => node.id),
    resultNodeId: nodes.at(-1)?.id ?? '',
    ...extra,
  });

  test('runs at most `concurrency` iterations at once and collects results in item order', async () => {
    const pending = new Map<string, ReturnType<typeof deferred<{ output: unknown; attempts: number }>>>();
    const started: StepActivityRequest[] = [];
    const effects = baseEffects({
      executeStep(request) {
        started.push(request);
        const call = deferred<{ output: unknown; attempts: number }>();
        pending.set(request.idempotencyKey, call);
        return call.promise;
      },
    });
    const nodes = [
      trigger,
      value('prefix', [from('hook')], 'id-'),
      loop(
        'each',
        [from('prefix')],
        { items: '{{ trigger.body.ids }}', concurrency: 3 },
        body([
          http('fetch', [ITEM], { url: '{{ "https://api.example.com/" & steps.prefix.v & item & "?i=" & index }}' }),
          value('shape', [from('fetch')], '{{ input.echo.url }}'),
        ]),
      ),
    ];
    const p = plan(nodes);
    const state = createInitialState(p, effects.now());
    const running = executePlan(
      { plan: p, trigger: { body: { ids: ['a', 'b', 'c', 'd', 'e'] } }, run: RUN },
      effects,
      state,
    );
    const settle = flush;
    await settle();
    assert.equal(started.length, 3, 'three iterations started before any finished');
    assert.deepEqual(state.nodes.each?.progress, { done: 0, total: 5 });
    // Finish out of order: the results still come back in item order.
    for (const key of ['run-1/each[2]/fetch', 'run-1/each[0]/fetch']) {
      const call = pending.get(key);
      const request = started.find((entry) => entry.idempotencyKey === key);
      call?.resolve({ output: { echo: request?.input }, attempts: 1 });
    }
    await settle();
    assert.equal(started.length, 5, 'two slots freed, two more started');
    for (const request of started.slice(1)) {
      if (request.idempotencyKey === 'run-1/each[2]/fetch') continue;
      pending.get(request.idempotencyKey)?.resolve({ output: { echo: request.input }, attempts: 1 });
    }
    await running;
    assert.equal(state.status, 'succeeded');
    assert.deepEqual(
      state.nodes.each?.output,
      ['a', 'b', 'c', 'd', 'e'].map((id, index) => ({ v: `https://api.example.com/id-${id}?i=${index}` })),
    );
    assert.equal(state.nodes.each?.progress, undefined);
  });

  test('stopWhen stops after the iteration it holds for; resultNode picks the result', async () => {
    const effects = baseEffects();
    const nodes = [
      trigger,
      loop(
        'each',
        [from('hook')],
        { items: '{{ [1..10] }}', concurrency: 1 },
        body([value('square', [ITEM], '{{ item * item }}'), value('tag', [from('square')], 'x')], {
          resultNodeId: 'square',
          stopWhen: '{{ result.v >= 9 }}',
        }),
      ),
    ];
    const state = await run(nodes, {}, effects);
    assert.deepEqual(state.nodes.each?.output, [{ v: 1 }, { v: 4 }, { v: 9 }]);
  });

  test('a failing iteration fails the loop, naming the item and the body node', async () => {
    const effects = baseEffects({
      async executeStep(request) {
        if (String(request.idempotencyKey).includes('[1]')) throw { message: 'answered 500', attempts: 2 };
        return { output: {}, attempts: 1 };
      },
    });
    const nodes = [
      trigger,
      loop('each', [from('hook')], { items: '{{ [1, 2, 3] }}' }, body([http('call', [ITEM], { url: 'x' })])),
      value('after', [from('each')], 'never'),
    ];
    const state = await run(nodes, {}, effects);
    assert.equal(state.status, 'failed');
    assert.match(state.error?.message ?? '', /node "each": item 1 failed at "call": answered 500/);
    assert.equal(state.nodes.after?.status, 'skipped');
  });

  test("keeps each iteration's body node states on the Loop's run state, the failed one too", async () => {
    const effects = baseEffects({
      async executeStep(request) {
        if (String(request.idempotencyKey).includes('[2]')) throw { message: 'answered 500', attempts: 2 };
        return { output: { got: request.input }, attempts: 1 };
      },
    });
    const nodes = [
      trigger,
      loop(
        'each',
        [from('hook')],
        { items: '{{ [10, 20, 30] }}' },
        body([value('double', [ITEM], '{{ item * 2 }}'), http('call', [from('double')], { n: '{{ input.v }}' })]),
      ),
    ];
    const state = await run(nodes, {}, effects);
    const iterations = state.nodes.each?.iterations ?? [];
    assert.deepEqual(
      iterations.map((it) => [
        it.index,
        it.status,
        it.nodes.double?.output,
        it.nodes.call?.input,
        it.nodes.call?.status,
      ]),
      [
        [0, 'succeeded', { v: 20 }, { n: 20 }, 'succeeded'],
        [1, 'succeeded', { v: 40 }, { n: 40 }, 'succeeded'],
        [2, 'failed', { v: 60 }, { n: 60 }, 'failed'],
      ],
    );
    assert.equal(iterations[2]?.nodes.call?.error?.message, 'answered 500');
    assert.equal(Object.hasOwn(iterations[0]?.nodes ?? {}, '$item'), false, 'the synthetic item node is left out');
  });

  const notLists: [string, string][] = [
    ['{{ trigger.body.nope }}', 'null'],
    ['{{ "abc" }}', 'string'],
    ['{{ { "a": 1 } }}', 'object'],
  ];
  for (const [items, got] of notLists) {
    test(`items that are not a list fail the node with a clear message: ${items}`, async () => {
      const nodes = [trigger, loop('each', [from('hook')], { items }, body([value('x', [ITEM], 1)]))];
      const state = await run(nodes, {}, baseEffects());
      assert.equal(state.error?.message, `node "each": items: must evaluate to a list, got ${got}`);
    });
  }

  test('a plan without the loop body fails, saying how to fix it', async () => {
    const state = await run(
      [trigger, planNode('each', [from('hook')], { type: 'core.loop', config: { items: [] } })],
      {},
      baseEffects(),
    );
    assert.equal(state.error?.message, 'node "each": the plan has no loop body (compiled by an older version?)');
  });

  for (const concurrency of [0, -2, 1.5, '3']) {
    test(`a concurrency of ${JSON.stringify(concurrency)} runs one iteration at a time`, async () => {
      let inFlight = 0;
      let most = 0;
      const effects = baseEffects({
        async executeStep(request) {
          inFlight++;
          most = Math.max(most, inFlight);
          await flush();
          inFlight--;
          return { output: request.input, attempts: 1 };
        },
      });
      const nodes = [
        trigger,
        loop(
          'each',
          [from('hook')],
          { items: [1, 2, 3], concurrency },
          body([http('call', [ITEM], { n: '{{ item }}' })]),
        ),
      ];
      const state = await run(nodes, {}, effects);
      assert.deepEqual(state.nodes.each?.output, [{ n: 1 }, { n: 2 }, { n: 3 }]);
      assert.equal(most, 1);
    });
  }

  test('a concurrency below 1 reaches the chunk runner as 1', async () => {
    const concurrencies: number[] = [];
    const effects: RunEffects = baseEffects({
      runLoopChunk(request) {
        concurrencies.push(request.concurrency);
        return runLoopChunk(request, effects);
      },
    });
    const nodes = [
      trigger,
      loop(
        'each',
        [from('hook')],
        { items: '{{ [0..400] }}', concurrency: 0 },
        body([http('call', [ITEM], { n: '{{ item }}' })]),
      ),
    ];
    const state = await run(nodes, {}, effects);
    assert.equal(state.status, 'succeeded');
    assert.deepEqual(concurrencies, [1, 1]);
  });

  test('shows its progress as iterations finish, inline and in chunks, with stable chunk ids', async () => {
    const progress: number[] = [];
    const chunkIds: string[] = [];
    let state: RunState | undefined;
    const effects: RunEffects = baseEffects({
      onStateChange: () => {
        const done = state?.nodes.each?.progress?.done;
        if (done !== undefined && progress.at(-1) !== done) progress.push(done);
      },
      evaluateLoopChunk(request) {
        chunkIds.push(request.chunkId);
        return runLoopChunk(request, effects);
      },
    });
    // 30 body nodes: 10 items a chunk inline, so 10 items stay inline and 11 go out in one chunk.
    const chain = Array.from({ length: 30 }, (_, i) => value(`n${i}`, i === 0 ? [ITEM] : [from(`n${i - 1}`)], i));
    for (const count of [10, 11]) {
      const p = plan([trigger, loop('each', [from('hook')], { items: `{{ [1..${count}] }}` }, body(chain))]);
      state = createInitialState(p, effects.now());
      await executePlan({ plan: p, trigger: {}, run: RUN }, effects, state);
      assert.deepEqual(
        state.nodes.each?.output,
        Array.from({ length: count }, () => ({ v: 29 })),
      );
    }
    assert.deepEqual(progress, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 11]);
    assert.deepEqual(chunkIds, ['run-1-each-0']);
  });

  test('long transform-only loops go to evaluateLoopChunk in slices of 1,000; 10,000 items', async () => {
    const chunks: LoopChunkRequest[] = [];
    const effects: RunEffects = baseEffects({
      evaluateLoopChunk(request) {
        chunks.push(request);
        return runLoopChunk(request, effects);
      },
      runLoopChunk: () => assert.fail('a transform-only body needs no child workflows'),
    });
    const nodes = [
      trigger,
      loop(
        'each',
        [from('hook')],
        { items: '{{ [0..9999] }}', concurrency: 5 },
        body([
          value('double', [ITEM], '{{ item * 2 }}'),
          value('plusIndex', [from('double')], '{{ input.v + index }}'),
        ]),
      ),
    ];
    const started = performance.now();
    const state = await run(nodes, {}, effects);
    console.log(
      `10,000-iteration transform loop (2 body nodes) in-process: ${Math.round(performance.now() - started)} ms`,
    );
    assert.equal(state.status, 'succeeded');
    assert.deepEqual(
      chunks.map((chunk) => chunk.offset).sort((a, b) => a - b),
      Array.from({ length: 10 }, (_, i) => i * 1000),
    );
    assert.equal(chunks[0]?.plan.flowId, 'flow-1');
    assert.equal('nodes' in (chunks[0]?.plan ?? {}), false, 'a chunk carries plan metadata, not the whole plan');
    const output = state.nodes.each?.output as { v: number }[];
    assert.equal(output.length, 10_000);
    assert.deepEqual(output[9_999], { v: 9_999 * 3 });
  });

  test('long loops with I/O go to runLoopChunk one chunk at a time; stopWhen in a chunk stops the loop', async () => {
    const chunks: LoopChunkRequest[] = [];
    let inFlight = 0;
    const effects: RunEffects = baseEffects({
      async runLoopChunk(request) {
        chunks.push(request);
        inFlight++;
        assert.equal(inFlight, 1, 'chunks with I/O never overlap (the concurrency limit holds across them)');
        const result = await runLoopChunk(request, effects);
        inFlight--;
        return result;
      },
    });
    const nodes = [
      trigger,
      loop(
        'each',
        [from('hook')],
        { items: '{{ [0..999] }}', concurrency: 4 },
        body([http('call', [ITEM], { n: '{{ item }}' })], { stopWhen: '{{ result.echo.n = 500 }}' }),
      ),
    ];
    const state = await run(nodes, {}, effects);
    assert.deepEqual(
      chunks.map((chunk) => chunk.offset),
      [0, 400],
    );
    const output = state.nodes.each?.output as { echo: { n: number } }[];
    assert.ok(output.length >= 501 && output.length <= 504, `stopped right after item 500 (got ${output.length})`);
    assert.deepEqual(output[500], { echo: { n: 500 } });
  });
});

describe('Sub-flow', () => {
  const child = plan(
    [trigger, value('greet', [from('hook')], '{{ "hello " & trigger.name }}'), value('tail', [from('greet')], 'last')],
    'flow-child',
  );
  const subflowNode = (config: Record<string, unknown>) =>
    planNode('sub', [from('hook')], {
      type: 'core.subflow',
      config,
      subflow: { flowId: 'flow-child', version: 4, plan: child },
    });

  async function runChild(request: ChildRunRequest): Promise<RunState> {
    const state = createInitialState(request.plan, 0);
    return executePlan(
      { plan: request.plan, trigger: request.trigger, run: { id: request.runId, workspaceId: request.workspaceId } },
      baseEffects(),
      state,
    );
  }

  test('maps input to the child trigger and the child output back (last node, or outputNodeId)', async () => {
    const requests: ChildRunRequest[] = [];
    const effects = baseEffects({
      executeChild(request) {
        requests.push(request);
        return runChild(request);
      },
    });
    const state = await run(
      [trigger, subflowNode({ flowId: 'flow-child', input: { name: '{{ trigger.body.who }}' } })],
      { who: 'Ada' },
      effects,
    );
    assert.equal(requests[0]?.runId, 'run-1-sub');
    assert.deepEqual(requests[0]?.trigger, { name: 'Ada' });
    assert.equal(requests[0]?.version, 4);
    assert.deepEqual(state.nodes.sub?.output, { v: 'last' });

    const picked = await run(
      [trigger, subflowNode({ flowId: 'flow-child', input: { name: 'Bo' }, outputNodeId: 'greet' })],
      {},
      effects,
    );
    assert.deepEqual(picked.nodes.sub?.output, { v: 'hello Bo' });
  });

  test('a failed child fails the node with the child’s error', async () => {
    const effects = baseEffects({
      async executeChild(request) {
        const state = createInitialState(request.plan, 0);
        return { ...state, status: 'failed', error: { nodeId: 'greet', message: 'it broke' } };
      },
    });
    const state = await run([trigger, subflowNode({ flowId: 'flow-child' })], {}, effects);
    assert.equal(state.status, 'failed');
    assert.match(state.error?.message ?? '', /sub-flow flow-child \(version 4\) failed: node "greet" failed: it broke/);
  });

  test('a plan without the embedded child (not published through the server) fails clearly', async () => {
    const state = await run(
      [trigger, planNode('sub', [from('hook')], { type: 'core.subflow', config: { flowId: 'x' } })],
      {},
      baseEffects(),
    );
    assert.equal(state.error?.message, 'node "sub": the called flow "x" is not embedded in the plan; publish again');
  });

  test('a failed child is described even without its error, and the details name the child run', async () => {
    const effects = baseEffects({
      async executeChild(request) {
        return { ...createInitialState(request.plan, 0), status: 'failed' };
      },
    });
    const state = await run([trigger, subflowNode({ flowId: 'flow-child' })], {}, effects);
    assert.deepEqual(state.nodes.sub?.error, {
      message: 'node "sub": sub-flow flow-child (version 4) failed: it failed',
      details: { childRunId: 'run-1-sub', error: null },
    });
  });

  test('refuses an output node the child does not have, and a worker that cannot start children', async () => {
    const running = baseEffects({ executeChild: runChild });
    const missing = await run([trigger, subflowNode({ flowId: 'flow-child', outputNodeId: 'nope' })], {}, running);
    assert.equal(missing.error?.message, 'node "sub": the sub-flow has no node "nope"');
    const unable = await run([trigger, subflowNode({ flowId: 'flow-child' })], {}, baseEffects());
    assert.equal(unable.error?.message, 'node "sub": this worker cannot run sub-flows');
  });
});
