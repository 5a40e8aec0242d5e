/// <reference types="node" />
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ExecutionPlan, PlanNode, RunState } from '@pipewright/run-contract';
import type { RunEffects, StepActivityRequest, StepActivityResult } from './effects.ts';
import { createInitialState, executePlan } from './execute-plan.ts';

const RETRY = { maxAttempts: 3, initialIntervalMs: 1000, backoffCoefficient: 2, maxIntervalMs: 30_000 };

function node(id: string, overrides: Partial<PlanNode> = {}): PlanNode {
  return {
    id,
    type: 'http.request',
    typeVersion: 1,
    title: id,
    kind: 'action',
    runsIn: 'activity',
    upstream: [],
    config: {},
    retry: RETRY,
    timeoutMs: 30_000,
    taskQueue: 'pipewright-core',
    ...overrides,
  };
}

const trigger = node('hook', { type: 'core.webhook', kind: 'trigger', runsIn: 'workflow' });
const transform = (id: string, upstream: string[], config: Record<string, unknown>) =>
  node(id, { type: 'core.transform', kind: 'transform', runsIn: 'workflow', upstream, config });

function plan(nodes: PlanNode[]): ExecutionPlan {
  return {
    planFormat: 1,
    runtimeVersion: 1,
    expressionEngine: 'jsonata@2.2.2',
    flowId: 'flow-1',
    version: 3,
    hash: 'test',
    triggerNodeId: nodes[0]?.id ?? 'hook',
    nodes,
  };
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A fake port: each executeStep call is parked until the test settles it, or answered by `respond`. */
function fakeEffects(respond?: (request: StepActivityRequest) => Promise<StepActivityResult>) {
  let clock = 1000;
  const calls: { request: StepActivityRequest; result: Deferred<StepActivityResult> }[] = [];
  let waiter: { count: number; resolve(): void } | undefined;
  const stateWaiters: { check(): boolean; resolve(): void }[] = [];
  const effects: RunEffects = {
    now: () => clock++,
    onStateChange() {
      for (const entry of [...stateWaiters]) {
        if (entry.check()) {
          stateWaiters.splice(stateWaiters.indexOf(entry), 1);
          entry.resolve();
        }
      }
    },
    executeStep(request) {
      const result = deferred<StepActivityResult>();
      calls.push({ request, result });
      if (waiter && calls.length >= waiter.count) waiter.resolve();
      return respond ? respond(request) : result.promise;
    },
  };
  const callsReached = (count: number) =>
    calls.length >= count
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          waiter = { count, resolve };
        });
  const call = (nodeId: string) => {
    const found = calls.find((entry) => entry.request.nodeId === nodeId);
    if (!found) throw new Error(`no executeStep call for ${nodeId}`);
    return found;
  };
  /** Resolves once the runtime reports a state change after which `check` holds. */
  const stateReaches = (check: () => boolean) =>
    check() ? Promise.resolve() : new Promise<void>((resolve) => stateWaiters.push({ check, resolve }));
  return { effects, calls, callsReached, call, stateReaches };
}

const RUN = { id: 'run-1', workspaceId: 'ws-1' };

async function run(nodes: PlanNode[], triggerOutput: unknown, effects: RunEffects): Promise<RunState> {
  const thePlan = plan(nodes);
  return executePlan({ plan: thePlan, trigger: triggerOutput, run: RUN }, effects, createInitialState(thePlan, 1));
}

describe('executePlan', () => {
  test('createInitialState marks every node pending', () => {
    const state = createInitialState(plan([trigger, node('call', { upstream: ['hook'] })]), 42);
    assert.deepEqual(state, {
      status: 'running',
      flowId: 'flow-1',
      version: 3,
      startedAt: 42,
      nodes: { hook: { status: 'pending', attempts: 0 }, call: { status: 'pending', attempts: 0 } },
    });
  });

  test('linear flow: trigger → transform → action, with the expression context', async () => {
    const { effects, calls } = fakeEffects(async (request) => ({ output: { echoed: request.input }, attempts: 1 }));
    const state = await run(
      [
        trigger,
        transform('shape', ['hook'], { fields: [{ name: 'greeting', value: 'Hello {{ input.body.name }}' }] }),
        node('call', {
          upstream: ['shape'],
          config: {
            url: 'https://example.com/{{ run.flowId }}/{{ run.version }}/{{ run.id }}',
            body: '{{ input }}',
            fromTrigger: '{{ trigger.body.name }}',
            fromSteps: '{{ steps.shape.greeting }}',
            count: 5,
          },
        }),
      ],
      { body: { name: 'Ada' } },
      effects,
    );
    assert.equal(state.status, 'succeeded');
    assert.equal(state.nodes.hook?.status, 'succeeded');
    assert.deepEqual(state.nodes.hook?.output, { body: { name: 'Ada' } });
    assert.deepEqual(state.nodes.shape?.output, { greeting: 'Hello Ada' });
    assert.equal(calls.length, 1);
    const request = calls[0]?.request;
    assert.deepEqual(request, {
      nodeId: 'call',
      type: 'http.request',
      typeVersion: 1,
      input: {
        url: 'https://example.com/flow-1/3/run-1',
        body: { greeting: 'Hello Ada' },
        fromTrigger: 'Ada',
        fromSteps: 'Hello Ada',
        count: 5,
      },
      retry: RETRY,
      timeoutMs: 30_000,
      taskQueue: 'pipewright-core',
      idempotencyKey: 'run-1/call',
    });
    const call = state.nodes.call;
    assert.equal(call?.status, 'succeeded');
    assert.deepEqual(call?.input, request?.input);
    assert.deepEqual(call?.output, { echoed: request?.input });
    assert.equal(call?.attempts, 1);
    assert.ok(call?.startedAt !== undefined && call.endedAt !== undefined && call.endedAt > call.startedAt);
    assert.ok(state.endedAt !== undefined && state.endedAt >= (call.endedAt ?? 0));
    assert.equal(state.error, undefined);
  });

  test('transform: set, nested names, keepInput and remove', async () => {
    const { effects } = fakeEffects();
    const upstreamOutput = { body: { name: 'Ada', secret: 'x' }, keep: 1, drop: 2 };
    const state = await run(
      [
        trigger,
        transform('plain', ['hook'], { fields: [{ name: 'total', value: '{{ input.keep + 41 }}' }] }),
        transform('kept', ['hook'], {
          keepInput: true,
          fields: [
            { name: 'body.upper', value: '{{ $uppercase(input.body.name) }}' },
            { name: 'customer.address.city', value: 'Paris' },
          ],
          remove: ['drop', 'body.secret'],
        }),
      ],
      upstreamOutput,
      effects,
    );
    assert.equal(state.status, 'succeeded');
    assert.deepEqual(state.nodes.plain?.output, { total: 42 });
    assert.deepEqual(state.nodes.kept?.output, {
      body: { name: 'Ada', upper: 'ADA' },
      keep: 1,
      customer: { address: { city: 'Paris' } },
    });
    assert.equal(state.nodes.kept?.attempts, 1);
    // The trigger's recorded output is untouched by the nested set and remove.
    assert.deepEqual(state.nodes.hook?.output, { body: { name: 'Ada', secret: 'x' }, keep: 1, drop: 2 });
  });

  test('an expression error fails the node with its name and field path', async () => {
    const { effects, calls } = fakeEffects();
    const state = await run(
      [
        trigger,
        transform('shape', ['hook'], {
          fields: [
            { name: 'a', value: 'ok' },
            { name: 'b', value: '{{ $notAFunction(1) }}' },
          ],
        }),
        node('call', { upstream: ['shape'] }),
      ],
      {},
      effects,
    );
    assert.equal(state.status, 'failed');
    assert.equal(state.nodes.shape?.status, 'failed');
    const message = state.nodes.shape?.error?.message ?? '';
    assert.match(message, /node "shape"/);
    assert.match(message, /config\.fields\.1\.value/);
    assert.deepEqual(state.error, { nodeId: 'shape', message });
    assert.equal(state.nodes.call?.status, 'skipped');
    assert.equal(calls.length, 0);
  });

  test('an unknown workflow step type fails clearly', async () => {
    const { effects } = fakeEffects();
    const state = await run(
      [trigger, node('loop', { type: 'core.teleport', runsIn: 'workflow', upstream: ['hook'] })],
      {},
      effects,
    );
    assert.equal(state.status, 'failed');
    assert.match(state.nodes.loop?.error?.message ?? '', /"core\.teleport" v1 cannot run inside the workflow/);
  });

  test('activity failure: run failed, attempts and details recorded, downstream skipped', async () => {
    // A clock that stands still until the call fails, 4.25 s later.
    let clock = 1000;
    const { effects } = fakeEffects(async (request) => {
      if (request.nodeId === 'call') {
        clock = 5250;
        throw { message: 'POST https://example.com/ answered 500', attempts: 3, details: { status: 500 } };
      }
      return { output: {}, attempts: 1 };
    });
    const state = await run(
      [trigger, node('call', { upstream: ['hook'] }), node('after', { upstream: ['call'] })],
      {},
      { ...effects, now: () => clock },
    );
    assert.equal(state.status, 'failed');
    assert.deepEqual(state.nodes.call?.error, {
      message: 'POST https://example.com/ answered 500',
      details: { status: 500 },
    });
    assert.equal(state.nodes.call?.attempts, 3);
    assert.equal(state.nodes.call?.status, 'failed');
    assert.equal(state.nodes.after?.status, 'skipped');
    assert.deepEqual(state.error, { nodeId: 'call', message: 'POST https://example.com/ answered 500' });
    assert.deepEqual([state.nodes.call?.startedAt, state.nodes.call?.endedAt], [1000, 5250]);
    assert.equal(state.endedAt, 5250, 'the run ends when its failed node does');
  });

  test('a rejection that is not a StepFailure becomes a message with one attempt', async () => {
    const { effects } = fakeEffects(async () => {
      throw new Error('boom');
    });
    const state = await run([trigger, node('call', { upstream: ['hook'] })], {}, effects);
    assert.equal(state.status, 'failed');
    assert.deepEqual(state.nodes.call?.error, { message: 'Error: boom' });
    assert.equal(state.nodes.call?.attempts, 1);
  });

  test('parallel branches both start before either finishes; a failing branch waits for the other', async () => {
    const fake = fakeEffects();
    const thePlan = plan([
      trigger,
      node('left', { upstream: ['hook'] }),
      node('right', { upstream: ['hook'] }),
      node('after', { upstream: ['left'] }),
    ]);
    const state = createInitialState(thePlan, 1);
    const done = executePlan({ plan: thePlan, trigger: {}, run: RUN }, fake.effects, state);
    await fake.callsReached(2);
    assert.deepEqual(
      fake.calls.map((call) => call.request.nodeId),
      ['left', 'right'],
    );
    assert.equal(state.nodes.left?.status, 'running');
    assert.equal(state.nodes.right?.status, 'running');
    assert.equal(state.status, 'running');

    fake.call('right').result.reject({ message: 'right broke', attempts: 2 });
    // The run is not over while `left` is still running: it is awaited, and `after` will never start.
    await fake.stateReaches(() => state.nodes.right?.status === 'failed');
    assert.equal(state.status, 'running');
    assert.equal(state.nodes.after?.status, 'skipped');
    fake.call('left').result.resolve({ output: { ok: true }, attempts: 1 });

    const final = await done;
    assert.equal(final, state);
    assert.equal(state.status, 'failed');
    assert.equal(state.nodes.left?.status, 'succeeded');
    assert.equal(state.nodes.right?.status, 'failed');
    assert.equal(state.nodes.after?.status, 'skipped');
    assert.equal(fake.calls.length, 2);
  });

  test('diamond: the join waits for both branches and gets both outputs as input', async () => {
    const fake = fakeEffects();
    const thePlan = plan([
      trigger,
      node('left', { upstream: ['hook'] }),
      node('right', { upstream: ['hook'] }),
      transform('join', ['left', 'right'], {
        fields: [
          { name: 'both', value: '{{ input }}' },
          { name: 'sum', value: '{{ steps.left.n + steps.right.n }}' },
        ],
      }),
    ]);
    const state = createInitialState(thePlan, 1);
    const done = executePlan({ plan: thePlan, trigger: {}, run: RUN }, fake.effects, state);
    await fake.callsReached(2);
    fake.call('right').result.resolve({ output: { n: 2 }, attempts: 1 });
    await fake.stateReaches(() => state.nodes.right?.status === 'succeeded');
    assert.equal(state.nodes.join?.status, 'pending');
    fake.call('left').result.resolve({ output: { n: 1 }, attempts: 1 });
    await done;
    assert.equal(state.status, 'succeeded');
    assert.deepEqual(state.nodes.join?.output, { both: [{ n: 1 }, { n: 2 }], sum: 3 });
  });
});

describe('executePlan: what the run reports as it goes', () => {
  /** Every state the run announces through onStateChange, as a copy taken at that moment. */
  function recording(effects: RunEffects) {
    const seen: RunState[] = [];
    let state: RunState | undefined;
    const recorded: RunEffects = {
      ...effects,
      onStateChange() {
        if (state) seen.push(structuredClone(state));
        effects.onStateChange?.();
      },
    };
    const start = (nodes: PlanNode[], input: Partial<Parameters<typeof executePlan>[0]> = {}) => {
      const thePlan = plan(nodes);
      state = createInitialState(thePlan, 1);
      return { state, done: executePlan({ plan: thePlan, trigger: {}, run: RUN, ...input }, recorded, state) };
    };
    return { seen, start };
  }

  test("announces the trigger's output before anything else starts, and the run's end last", async () => {
    const { seen, start } = recording(fakeEffects(async () => ({ output: { ok: true }, attempts: 1 })).effects);
    const { done } = start([trigger, node('call', { upstream: ['hook'] })]);
    await done;
    assert.deepEqual(
      Object.fromEntries(Object.entries(seen[0]?.nodes ?? {}).map(([id, entry]) => [id, entry.status])),
      { hook: 'succeeded', call: 'pending' },
    );
    const last = seen.at(-1);
    assert.equal(last?.status, 'succeeded');
    assert.equal(last?.endedAt !== undefined, true);
  });

  test('announces a branch not taken as skipped while another branch still runs', async () => {
    const fake = fakeEffects();
    const thePlan = plan([
      trigger,
      node('slow', { upstream: ['hook'] }),
      node('check', {
        type: 'core.if',
        kind: 'transform',
        runsIn: 'workflow',
        upstream: ['hook'],
        config: { condition: false },
      }),
      node('yes', { upstream: ['check'], inputs: [{ nodeId: 'check', port: 'true' }] }),
    ]);
    const state = createInitialState(thePlan, 1);
    const done = executePlan({ plan: thePlan, trigger: {}, run: RUN }, fake.effects, state);
    await fake.stateReaches(() => state.nodes.yes?.status === 'skipped');
    assert.equal(state.nodes.slow?.status, 'running');
    fake.call('slow').result.resolve({ output: {}, attempts: 1 });
    await done;
    assert.equal(state.status, 'succeeded');
  });

  test('shows a step running, then its evaluated input, while the step still runs', async () => {
    const fake = fakeEffects();
    const { seen, start } = recording(fake.effects);
    const { state, done } = start([trigger, node('call', { upstream: ['hook'], config: { n: '{{ 1 + 1 }}' } })]);
    await fake.callsReached(1);
    const running = seen.filter((snapshot) => snapshot.nodes.call?.status === 'running');
    assert.deepEqual(
      running.map((snapshot) => snapshot.nodes.call?.input),
      [undefined, { n: 2 }],
    );
    fake.call('call').result.resolve({ output: {}, attempts: 1 });
    await done;
    assert.equal(state.status, 'succeeded');
  });

  test('records how long a step waited for its rate limit, and nothing when it did not wait', async () => {
    const { effects } = fakeEffects(async (request) =>
      request.nodeId === 'limited' ? { output: {}, attempts: 1, rateLimitWaitMs: 1200 } : { output: {}, attempts: 1 },
    );
    const state = await run(
      [trigger, node('limited', { upstream: ['hook'] }), node('free', { upstream: ['hook'] })],
      {},
      effects,
    );
    assert.equal(state.nodes.limited?.rateLimitWaitMs, 1200);
    assert.equal(Object.hasOwn(state.nodes.free ?? {}, 'rateLimitWaitMs'), false);
  });

  test('gives expressions the resume links of the run when it has them', async () => {
    const reader = transform('links', ['hook'], {
      fields: [
        { name: 'approve', value: '{{ run.resumeUrls.approve }}' },
        { name: 'has', value: '{{ $exists(run.resumeUrls) }}' },
      ],
    });
    const thePlan = plan([trigger, reader]);
    const resumeUrls = { approve: 'https://pw.test/resume/abc' };
    const withLinks = await executePlan(
      { plan: thePlan, trigger: {}, run: { ...RUN, resumeUrls } },
      fakeEffects().effects,
      createInitialState(thePlan, 1),
    );
    assert.deepEqual(withLinks.nodes.links?.output, { approve: 'https://pw.test/resume/abc', has: true });
    const without = await run([trigger, reader], {}, fakeEffects().effects);
    assert.deepEqual(without.nodes.links?.output, { approve: null, has: false });
  });

  test('names a node by its title and id in a failure, when the title is not just the id', async () => {
    const state = await run(
      [
        trigger,
        node('shape', {
          title: 'Shape the order',
          type: 'core.transform',
          kind: 'transform',
          runsIn: 'workflow',
          upstream: ['hook'],
          config: { fields: [{ name: 'x', value: '{{ $nope() }}' }] },
        }),
      ],
      {},
      fakeEffects().effects,
    );
    assert.match(state.error?.message ?? '', /^node "Shape the order" \(shape\): config\.fields\.0\.value: /);
  });

  test('nodes that wait on each other (a plan no compiler makes) end skipped instead of hanging the run', async () => {
    const state = await run(
      [trigger, node('a', { upstream: ['b'] }), node('b', { upstream: ['a'] })],
      {},
      fakeEffects().effects,
    );
    assert.equal(state.status, 'succeeded');
    assert.deepEqual([state.nodes.a?.status, state.nodes.b?.status], ['skipped', 'skipped']);
  });

  test('refuses a plan without its trigger node, or a state that does not match the plan', async () => {
    const thePlan = { ...plan([trigger, node('call', { upstream: ['hook'] })]), triggerNodeId: 'start' };
    await assert.rejects(
      executePlan({ plan: thePlan, trigger: {}, run: RUN }, fakeEffects().effects, createInitialState(thePlan, 1)),
      { message: 'plan has no trigger node "start"' },
    );
    const good = plan([trigger, node('call', { upstream: ['hook'] })]);
    const stale = createInitialState(plan([trigger]), 1);
    await assert.rejects(executePlan({ plan: good, trigger: {}, run: RUN }, fakeEffects().effects, stale), {
      message: 'run state has no entry for node "call"',
    });
  });
});
