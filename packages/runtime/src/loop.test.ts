/// <reference types="node" />
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  MAX_RECORDED_ITERATION_CHARS,
  MAX_RECORDED_ITERATIONS,
  type PlanLoopBody,
  type PlanNode,
  type RunState,
} from '@pipewright/run-contract';
import type { LoopChunkRequest, LoopChunkResult, RunEffects } from './effects.ts';
import {
  bodyPlanOf,
  chunkSizeOf,
  createIterationRecorder,
  isTransformOnly,
  type RunBody,
  runInChunks,
  runLoopIterations,
} from './loop.ts';

const RETRY = { maxAttempts: 1, initialIntervalMs: 1000, backoffCoefficient: 2, maxIntervalMs: 30_000 };
const bodyNode = (id: string, overrides: Partial<PlanNode> = {}): PlanNode => ({
  id,
  type: 'core.transform',
  typeVersion: 1,
  title: id,
  kind: 'transform',
  runsIn: 'workflow',
  upstream: [],
  config: {},
  retry: RETRY,
  timeoutMs: 1000,
  taskQueue: 'q',
  ...overrides,
});
const transforms = (count: number) => Array.from({ length: count }, (_, i) => bodyNode(`t${i}`));
const http = (id: string) => bodyNode(id, { type: 'http.request', kind: 'action', runsIn: 'activity' });
const body = (nodes: PlanNode[], extra: Partial<PlanLoopBody> = {}): PlanLoopBody => ({
  nodes,
  entry: nodes.slice(0, 1).map((node) => node.id),
  resultNodeId: nodes.at(-1)?.id ?? '',
  ...extra,
});
const request = (items: unknown[], loopBody: PlanLoopBody, concurrency = 1): LoopChunkRequest => ({
  nodeId: 'each',
  chunkId: 'run-1-each-0',
  run: { id: 'run-1', workspaceId: 'ws-1' },
  plan: { flowId: 'flow-1', version: 2, expressionEngine: 'jsonata@2.2.2', runtimeVersion: 1 },
  body: loopBody,
  items,
  offset: 0,
  concurrency,
  context: { trigger: {}, steps: { limit: { v: 3 } } },
});
const effects: RunEffects = { now: () => 0, executeStep: async () => assert.fail('no activities here') };
/** The outcome without its recorded iterations (tested on their own below). */
const withoutIterations = ({ iterations: _recorded, ...rest }: LoopChunkResult) => rest;

describe('isTransformOnly / chunkSizeOf', () => {
  const nested = bodyNode('inner', { type: 'core.loop', body: body(transforms(1)) });
  const cases: { name: string; nodes: PlanNode[]; transformOnly: boolean; chunk: number }[] = [
    { name: 'one transform', nodes: transforms(1), transformOnly: true, chunk: 300 },
    { name: 'seven transforms', nodes: transforms(7), transformOnly: true, chunk: 42 },
    { name: 'a hundred transforms', nodes: transforms(100), transformOnly: true, chunk: 10 },
    { name: 'one activity', nodes: [http('call')], transformOnly: false, chunk: 400 },
    { name: 'an activity among transforms', nodes: [...transforms(5), http('call')], transformOnly: false, chunk: 400 },
    { name: 'three activities', nodes: [http('a'), http('b'), http('c')], transformOnly: false, chunk: 133 },
    { name: 'a wait', nodes: [bodyNode('pause', { type: 'core.wait' })], transformOnly: false, chunk: 400 },
    { name: 'a sub-flow', nodes: [bodyNode('sub', { type: 'core.subflow' })], transformOnly: false, chunk: 400 },
    { name: 'a nested loop', nodes: [nested], transformOnly: false, chunk: 400 },
  ];
  for (const { name, nodes, transformOnly, chunk } of cases) {
    test(`a body of ${name}: ${transformOnly ? 'transform-only' : 'issues commands'}, ${chunk} items a chunk`, () => {
      assert.equal(isTransformOnly(body(nodes)), transformOnly);
      assert.equal(chunkSizeOf(body(nodes)), chunk);
    });
  }
});

describe('runInChunks', () => {
  /** Runs chunks through `answer`, recording their offsets and how many ran at once. */
  function chunks(answer: (chunk: LoopChunkRequest) => LoopChunkResult) {
    const offsets: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const runChunk = async (chunk: LoopChunkRequest) => {
      offsets.push(chunk.offset);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise<void>((resolve) => setImmediate(resolve));
      inFlight--;
      return answer(chunk);
    };
    return { offsets, runChunk, maxInFlight: () => maxInFlight };
  }
  const itemsOf = (chunk: LoopChunkRequest): LoopChunkResult => ({ results: chunk.items, stopped: false });
  const items = Array.from({ length: 25 }, (_, i) => i);

  const lanes: { name: string; loopBody: PlanLoopBody; parallel: number }[] = [
    { name: 'transform-only bodies run four chunks at once', loopBody: body(transforms(2)), parallel: 4 },
    {
      name: 'bodies with stopWhen run one chunk at a time',
      loopBody: body(transforms(2), { stopWhen: '{{ false }}' }),
      parallel: 1,
    },
    { name: 'bodies with I/O run one chunk at a time', loopBody: body([http('call')]), parallel: 1 },
    {
      name: 'bodies with I/O among transforms run one chunk at a time',
      loopBody: body([...transforms(2), http('call')]),
      parallel: 1,
    },
  ];
  for (const { name, loopBody, parallel } of lanes) {
    test(`${name}, results in item order`, async () => {
      const run = chunks(itemsOf);
      const outcome = await runInChunks(request(items, loopBody), 5, run.runChunk);
      assert.equal(run.maxInFlight(), parallel);
      assert.deepEqual(run.offsets, [0, 5, 10, 15, 20]);
      assert.deepEqual(outcome, { results: items, stopped: false });
      assert.equal(Object.hasOwn(outcome, 'error'), false);
    });
  }

  test('stops after the chunk that stopped, keeping only the results up to it', async () => {
    const run = chunks((chunk) => ({ results: chunk.items, stopped: chunk.offset === 0 }));
    const outcome = await runInChunks(request(items, body(transforms(1))), 10, run.runChunk);
    assert.deepEqual(outcome, { results: items.slice(0, 10), stopped: true });
  });

  test('reports the failure of the earliest item when chunks running together fail', async () => {
    const run = chunks((chunk) =>
      chunk.offset === 20
        ? { results: chunk.items, stopped: false }
        : {
            results: chunk.items.slice(0, 2),
            stopped: false,
            error: { index: chunk.offset + 2, nodeId: 't0', message: `item ${chunk.offset + 2} broke` },
          },
    );
    const outcome = await runInChunks(request(items, body(transforms(1))), 10, run.runChunk);
    assert.deepEqual(outcome.error, { index: 2, nodeId: 't0', message: 'item 2 broke' });
    assert.equal(outcome.stopped, false);
  });
});

describe('bodyPlanOf', () => {
  test("makes the body a plan of its own, started by the item node, under the loop's flow and version", () => {
    const loopBody = body(transforms(1));
    assert.deepEqual(bodyPlanOf(request([], loopBody)), {
      planFormat: 1,
      runtimeVersion: 1,
      expressionEngine: 'jsonata@2.2.2',
      flowId: 'flow-1',
      version: 2,
      hash: '',
      triggerNodeId: '$item',
      nodes: [
        {
          id: '$item',
          type: 'core.loopItem',
          typeVersion: 1,
          title: 'Item',
          kind: 'trigger',
          runsIn: 'workflow',
          upstream: [],
          config: {},
          retry: { maxAttempts: 1, initialIntervalMs: 0, backoffCoefficient: 1, maxIntervalMs: 0 },
          timeoutMs: 0,
          taskQueue: '',
        },
        ...loopBody.nodes,
      ],
    });
  });
});

describe('runLoopIterations', () => {
  /** A body run whose state the test decides per item; iterations finish in the order `finishOrder` gives. */
  function bodyRuns(outcome: (item: unknown) => Partial<RunState>, finishOrder?: number[]) {
    const started: unknown[] = [];
    const gates = new Map<number, () => void>();
    const runBody: RunBody = async (input) => {
      started.push(input.trigger);
      const index = Number(input.scope.index);
      if (finishOrder) await new Promise<void>((resolve) => gates.set(index, resolve));
      return {
        status: 'succeeded',
        flowId: 'flow-1',
        version: 2,
        startedAt: 0,
        nodes: { t0: { status: 'succeeded', attempts: 1, output: { v: input.trigger } } },
        ...outcome(input.trigger),
      };
    };
    const release = async () => {
      for (const index of finishOrder ?? []) {
        while (!gates.has(index)) await new Promise<void>((resolve) => setImmediate(resolve));
        gates.get(index)?.();
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    };
    return { started, runBody, release };
  }
  const failed = (message?: string): Partial<RunState> => ({
    status: 'failed',
    ...(message ? { error: { nodeId: 't0', message } } : {}),
  });

  test('runs every item and returns the result node outputs in item order', async () => {
    const runs = bodyRuns(() => ({}));
    const outcome = await runLoopIterations(request(['a', 'b'], body(transforms(1))), effects, runs.runBody);
    assert.deepEqual(withoutIterations(outcome), { results: [{ v: 'a' }, { v: 'b' }], stopped: false });
    assert.equal(Object.hasOwn(outcome, 'error'), false);
  });

  test('a failing item stops new starts; its result is null and the error names it', async () => {
    const runs = bodyRuns((item) => (item === 'b' ? failed('answered 500') : {}));
    const outcome = await runLoopIterations(request(['a', 'b', 'c'], body(transforms(1))), effects, runs.runBody);
    assert.deepEqual(runs.started, ['a', 'b']);
    assert.deepEqual(withoutIterations(outcome), {
      results: [{ v: 'a' }, null],
      stopped: false,
      error: { index: 1, nodeId: 't0', message: 'answered 500' },
    });
  });

  test('a failure without a reason still fails the item', async () => {
    const runs = bodyRuns(() => failed());
    const outcome = await runLoopIterations(request(['a'], body(transforms(1))), effects, runs.runBody);
    assert.deepEqual(withoutIterations(outcome), {
      results: [null],
      stopped: false,
      error: { index: 0, nodeId: '', message: 'the iteration failed' },
    });
  });

  test('of items failing together, the earliest is the one reported', async () => {
    const runs = bodyRuns((item) => failed(`${String(item)} broke`), [2, 0, 1]);
    const done = runLoopIterations(request(['a', 'b', 'c'], body(transforms(1)), 3), effects, runs.runBody);
    await runs.release();
    assert.deepEqual((await done).error, { index: 0, nodeId: 't0', message: 'a broke' });
  });

  test('stopWhen reads the body outputs and the steps around the loop', async () => {
    const runs = bodyRuns(() => ({}));
    const loopBody = body(transforms(1), { stopWhen: '{{ steps.t0.v >= steps.limit.v }}' });
    const outcome = await runLoopIterations(request([1, 2, 3, 4, 5], loopBody), effects, runs.runBody);
    assert.deepEqual(withoutIterations(outcome), { results: [{ v: 1 }, { v: 2 }, { v: 3 }], stopped: true });
  });

  test('a stopWhen that cannot be evaluated fails the loop at that item', async () => {
    const runs = bodyRuns(() => ({}));
    const loopBody = body(transforms(1), { stopWhen: '{{ $nope() }}' });
    const outcome = await runLoopIterations(request([1, 2], loopBody), effects, runs.runBody);
    assert.equal(outcome.error?.index, 0);
    assert.equal(outcome.error?.nodeId, 'each');
    assert.match(outcome.error?.message ?? '', /^stopWhen: /);
    assert.deepEqual(runs.started, [1]);
  });

  test("records each iteration's body nodes (not the item node), in item order though they end out of order", async () => {
    const runs = bodyRuns(
      (item) => ({
        nodes: {
          $item: { status: 'succeeded', attempts: 1, output: item },
          t0: { status: 'succeeded', attempts: 1, input: { n: item }, output: { v: item } },
        },
      }),
      [2, 0, 1],
    );
    const ended: (number | undefined)[] = [];
    const done = runLoopIterations(request(['a', 'b', 'c'], body(transforms(1)), 3), effects, runs.runBody, (it) =>
      ended.push(it?.index),
    );
    await runs.release();
    const outcome = await done;
    assert.deepEqual(ended, [2, 0, 1], 'each iteration is handed over as it ends');
    assert.deepEqual(
      outcome.iterations,
      ['a', 'b', 'c'].map((item, index) => ({
        index,
        status: 'succeeded',
        nodes: { t0: { status: 'succeeded', attempts: 1, input: { n: item }, output: { v: item } } },
      })),
    );
  });

  test('records a failed iteration with its error, and keeps no iterations of a nested loop', async () => {
    const runs = bodyRuns(() => ({
      ...failed('answered 500'),
      nodes: {
        inner: {
          status: 'succeeded',
          attempts: 1,
          output: [1],
          iterations: [{ index: 0, status: 'succeeded', nodes: {} }],
        },
        t0: { status: 'failed', attempts: 3, error: { message: 'answered 500' } },
      },
    }));
    const outcome = await runLoopIterations(request(['a'], body(transforms(1))), effects, runs.runBody);
    assert.deepEqual(outcome.iterations, [
      {
        index: 0,
        status: 'failed',
        nodes: {
          inner: { status: 'succeeded', attempts: 1, output: [1] },
          t0: { status: 'failed', attempts: 3, error: { message: 'answered 500' } },
        },
      },
    ]);
  });

  test(`records only the first ${MAX_RECORDED_ITERATIONS} iterations of a long loop, in any chunk`, async () => {
    const items = Array.from({ length: 30 }, (_, i) => i);
    const first = await runLoopIterations(request(items, body(transforms(1))), effects, bodyRuns(() => ({})).runBody);
    assert.deepEqual(
      first.iterations?.map((it) => it.index),
      items.slice(0, MAX_RECORDED_ITERATIONS),
    );
    const later = { ...request(items.slice(15, 25), body(transforms(1))), offset: 15 };
    const chunk = await runLoopIterations(later, effects, bodyRuns(() => ({})).runBody);
    assert.deepEqual(
      chunk.iterations?.map((it) => it.index),
      [15, 16, 17, 18, 19],
    );
  });
});

describe('runInChunks: recorded iterations', () => {
  test("concatenates the chunks' recorded iterations in item order", async () => {
    const items = Array.from({ length: 12 }, (_, i) => i);
    const outcome = await runInChunks(request(items, body(transforms(1))), 5, async (chunk) => ({
      results: chunk.items,
      stopped: false,
      iterations: chunk.items.map((_, position) => ({
        index: chunk.offset + position,
        status: 'succeeded',
        nodes: {},
      })),
    }));
    assert.deepEqual(
      outcome.iterations?.map((it) => it.index),
      items,
    );
  });
});

describe('recorded iterations stay within a size budget', () => {
  /** A body whose node outputs `chars` characters per iteration. */
  const bulky =
    (chars: number): RunBody =>
    async (input) => ({
      status: 'succeeded',
      flowId: 'flow-1',
      version: 2,
      startedAt: 0,
      nodes: { t0: { status: 'succeeded', attempts: 1, output: 'x'.repeat(chars), input: input.trigger } },
    });

  test('keeps the first iterations that fit, in item order, and none past the budget', async () => {
    const perIteration = Math.floor(MAX_RECORDED_ITERATION_CHARS / 4.5);
    const outcome = await runLoopIterations(
      request([0, 1, 2, 3, 4, 5], body(transforms(1))),
      effects,
      bulky(perIteration),
    );
    assert.deepEqual(
      outcome.iterations?.map((it) => it.index),
      [0, 1, 2, 3],
    );
    assert.equal(outcome.results.length, 6, 'the results are all there; only the run view record is cut');
  });

  test('records nothing when one iteration alone is over the budget', async () => {
    const outcome = await runLoopIterations(
      request([0], body(transforms(1))),
      effects,
      bulky(MAX_RECORDED_ITERATION_CHARS),
    );
    assert.equal(outcome.iterations, undefined);
  });

  test('the live recorder skips an iteration that does not fit and keeps item order', () => {
    const seen: number[][] = [];
    const record = createIterationRecorder((iterations) => seen.push(iterations.map((it) => it.index)));
    const small = (index: number) => ({ index, status: 'succeeded' as const, nodes: {} });
    const huge = {
      index: 1,
      status: 'succeeded' as const,
      nodes: { t0: { status: 'succeeded' as const, attempts: 1, output: 'x'.repeat(MAX_RECORDED_ITERATION_CHARS) } },
    };
    record([small(2)]);
    record([huge, small(0)]);
    assert.deepEqual(seen, [[2], [0, 2]]);
  });
});
