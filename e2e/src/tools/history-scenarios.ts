/**
 * The runs record-histories.ts records: one per control step and path the interpreter has, each built as a flow,
 * published and run through the product's API.  worker/src/replay/README.md lists them; the replay test
 * (worker/src/replay/replay.test.ts) names the files they produce.
 */
import { waitFor } from '@pipewright/devstack';
import { threeNodeFlow } from '../flows.ts';
import {
  type DocNode,
  flowDocument,
  type LocalApi,
  type NodeStatus,
  type ProductApi,
  within,
} from './recording-support.ts';

export interface ScenarioContext {
  api: ProductApi;
  local: LocalApi;
}

export interface Scenario {
  /** The history file's name (`<name>.json`); a run it started adds `<name>.<child suffix>.json`. */
  name: string;
  /** What the recording covers, in a line. */
  covers: string;
  /** How the run must end, so a recording of the wrong path fails instead of being written. */
  expect: {
    status: 'succeeded' | 'failed';
    /** Statuses by node that show the path taken. */
    nodes?: Record<string, NodeStatus>;
    /**
     * Runs this run started, by what their workflow id adds to the run id (`call`: a Sub-flow node's child,
     * `error-handler`, `each-400`: a loop chunk starting at item 400).  Each is recorded too.
     */
    children?: string[];
    /** Children (by suffix) whose history is not written, with the reason beside the scenario. */
    notRecorded?: string[];
    /** History larger than this fails the recording (large data must stay out of history). */
    maxHistoryBytes?: number;
  };
  /** Builds and publishes the flow(s), starts the run, drives it (resumes) if needed: the run id. */
  run(context: ScenarioContext): Promise<string>;
}

const once = { retry: { maxAttempts: 1 } };
const fastRetry = { retry: { maxAttempts: 2, initialIntervalMs: 100, backoffCoefficient: 1, maxIntervalMs: 100 } };
const webhook: DocNode = { id: 'hook', type: 'core.webhook', config: { method: 'POST' } };
const http = (id: string, url: string, extra: Partial<DocNode> = {}): DocNode => ({
  id,
  type: 'http.request',
  ...extra,
  config: { method: 'POST', url, body: '{{ input }}', ...extra.config },
});
const transform = (id: string, fields: Record<string, unknown>, parentId?: string): DocNode => ({
  id,
  type: 'core.transform',
  config: { fields: Object.entries(fields).map(([name, value]) => ({ name, value })) },
  ...(parentId === undefined ? {} : { parentId }),
});
/** Creates and publishes a webhook flow, then calls its webhook with `body`. */
const triggered = async (
  { api }: ScenarioContext,
  name: string,
  document: Record<string, unknown>,
  body: unknown,
): Promise<string> => {
  const flow = await api.createPublished(name, document);
  return api.trigger(flow.webhookPath, body);
};

/** The three recorded first (one activity, linear): kept as recorded then, so they replay runs of older code. */
const linear: Scenario[] = [
  {
    name: 'webhook-transform-http-succeeded',
    covers: 'webhook → transform (in the workflow) → one HTTP activity; the run succeeds',
    expect: { status: 'succeeded' },
    run: (context) => triggered(context, 'linear', threeNodeFlow(`${context.local.url}/ok`), { name: 'Ada', qty: 3 }),
  },
  {
    name: 'http-retried-once-then-succeeded',
    covers: 'retries: the HTTP activity fails once (500) and succeeds on its second attempt',
    expect: { status: 'succeeded' },
    run: (context) => {
      const document = threeNodeFlow(`${context.local.url}/flaky/1`);
      Object.assign(document.nodes[2] ?? {}, { settings: fastRetry });
      return triggered(context, 'retried', document, { name: 'Ada', qty: 3 });
    },
  },
  {
    name: 'http-failed-run-failed',
    covers: 'retries exhausted: the HTTP activity fails both attempts and the run fails',
    expect: { status: 'failed' },
    run: (context) => {
      const document = threeNodeFlow(`${context.local.url}/fail`);
      Object.assign(document.nodes[2] ?? {}, { settings: fastRetry });
      return triggered(context, 'failing', document, { name: 'Ada', qty: 3 });
    },
  },
];

/** hook → check (If) ─true→ call (HTTP) / ─false→ declined (transform). */
const ifFlow = (url: string) =>
  flowDocument(
    [
      webhook,
      { id: 'check', type: 'core.if', config: { condition: '{{ trigger.body.go }}' } },
      http('call', `${url}/ok/yes`),
      transform('declined', { ok: false }),
    ],
    [
      ['hook', 'check'],
      ['check', 'call', 'true'],
      ['check', 'declined', 'false'],
    ],
  );

const branching: Scenario[] = [
  {
    name: 'if-true-branch',
    covers: 'If: the true port runs an HTTP activity, the false branch is skipped',
    expect: { status: 'succeeded', nodes: { call: 'succeeded', declined: 'skipped' } },
    run: (context) => triggered(context, 'if true', ifFlow(context.local.url), { go: true }),
  },
  {
    name: 'if-false-branch',
    covers: 'If: the false port runs a transform, the HTTP branch is skipped (no activity at all)',
    expect: { status: 'succeeded', nodes: { call: 'skipped', declined: 'succeeded' } },
    run: (context) => triggered(context, 'if false', ifFlow(context.local.url), { go: false }),
  },
  {
    name: 'switch-first-match',
    covers: 'Switch (mode first): two cases match, only the first one’s HTTP branch runs; default is skipped',
    expect: { status: 'succeeded', nodes: { bigOrder: 'succeeded', anyOrder: 'skipped', noOrder: 'skipped' } },
    run: (context) =>
      triggered(
        context,
        'switch',
        flowDocument(
          [
            webhook,
            {
              id: 'route',
              type: 'core.switch',
              config: {
                mode: 'first',
                cases: [
                  { id: 'big', condition: '{{ trigger.body.qty > 10 }}' },
                  { id: 'any', condition: '{{ trigger.body.qty > 0 }}' },
                ],
              },
            },
            http('bigOrder', `${context.local.url}/ok/big`),
            http('anyOrder', `${context.local.url}/ok/any`),
            transform('noOrder', { none: true }),
          ],
          [
            ['hook', 'route'],
            ['route', 'bigOrder', 'big'],
            ['route', 'anyOrder', 'any'],
            ['route', 'noOrder', 'default'],
          ],
        ),
        { qty: 20 },
      ),
  },
  {
    name: 'parallel-branches-merge-all',
    covers: 'three parallel branches (two HTTP activities answering 100 ms / 400 ms apart, one transform) → Merge all',
    expect: { status: 'succeeded', nodes: { join: 'succeeded', report: 'succeeded' } },
    run: (context) =>
      triggered(
        context,
        'parallel',
        flowDocument(
          [
            webhook,
            http('left', `${context.local.url}/slow/100/left`),
            http('right', `${context.local.url}/slow/400/right`),
            transform('middle', { branch: 'middle' }),
            { id: 'join', type: 'core.merge', config: { wait: 'all', combine: 'append' } },
            http('report', `${context.local.url}/ok/report`),
          ],
          [
            ['hook', 'left'],
            ['hook', 'right'],
            ['hook', 'middle'],
            ['left', 'join'],
            ['middle', 'join'],
            ['right', 'join'],
            ['join', 'report'],
          ],
        ),
        {},
      ),
  },
  {
    name: 'merge-first-arrival',
    covers: 'Merge first: the node after it starts when the fast branch answers, while the slow one is in flight',
    expect: { status: 'succeeded', nodes: { first: 'succeeded', next: 'succeeded', slow: 'succeeded' } },
    run: (context) =>
      triggered(
        context,
        'merge first',
        flowDocument(
          [
            webhook,
            http('fast', `${context.local.url}/slow/50/fast`),
            http('slow', `${context.local.url}/slow/1000/slow`),
            { id: 'first', type: 'core.merge', config: { wait: 'first' } },
            http('next', `${context.local.url}/ok/next`),
          ],
          [
            ['hook', 'fast'],
            ['hook', 'slow'],
            ['fast', 'first'],
            ['slow', 'first'],
            ['first', 'next'],
          ],
        ),
        {},
      ),
  },
];

/**
 * hook → each (Loop over `items`) { fetch (HTTP /item/<n>) → pick } → total.  `delayMs`: an expression of `item`,
 * how long the API takes to answer; staggered answers land in separate workflow tasks, so a re-recording has the
 * same shape.
 */
const httpLoop = (url: string, loop: { items: string; concurrency: number; delayMs: string }) =>
  flowDocument(
    [
      webhook,
      {
        id: 'each',
        type: 'core.loop',
        config: { items: loop.items, concurrency: loop.concurrency, resultNode: 'pick' },
      },
      {
        id: 'fetch',
        type: 'http.request',
        parentId: 'each',
        config: { url: `{{ "${url}/item/" & item & "?delayMs=" & (${loop.delayMs}) }}` },
      },
      transform('pick', { n: '{{ input.body.n }}' }, 'each'),
      transform('total', { sum: '{{ $sum(input.n) }}' }),
    ],
    [
      ['hook', 'each'],
      ['fetch', 'pick'],
      ['each', 'total'],
    ],
  );

const loops: Scenario[] = [
  {
    name: 'loop-inline-http',
    covers: 'Loop over 5 items, 2 at a time, inline in the run: an HTTP activity and a transform per item',
    expect: { status: 'succeeded', nodes: { each: 'succeeded', total: 'succeeded' } },
    run: (context) =>
      triggered(
        context,
        'loop inline',
        httpLoop(context.local.url, { items: '{{ trigger.body.ids }}', concurrency: 2, delayMs: 'item * 150' }),
        {
          ids: [1, 2, 3, 4, 5],
        },
      ),
  },
  {
    // runtime loop.ts: a body with activities runs inline up to COMMAND_BUDGET_PER_CHUNK (400) / its command nodes
    // items; past that, one `runLoopChunk` child workflow per 400 items, one chunk at a time.  That is how a long loop
    // keeps the run's history short (there is no continue-as-new, and no setting to lower the threshold).
    name: 'loop-chunked-child-workflows',
    covers:
      'a long Loop (405 items, an HTTP activity each, 50 at a time) split into runLoopChunk child workflows: the ' +
      'parent, and the last chunk (5 items in parallel); the 400-item chunk is not kept',
    expect: {
      status: 'succeeded',
      nodes: { each: 'succeeded', total: 'succeeded' },
      children: ['each-0', 'each-400'],
      // Same code path as the 5-item chunk (and the inline loop), but 1,300 events: ~1.2 MB, and ~5 s of the replay
      // test on a 2-core machine (every promise the interpreter makes costs a stack trace in the workflow sandbox).
      notRecorded: ['each-0'],
    },
    run: (context) =>
      triggered(
        context,
        'loop chunked',
        httpLoop(context.local.url, {
          items: '{{ [1..405] }}',
          concurrency: 50,
          delayMs: 'item > 400 ? (item - 400) * 150 : 0',
        }),
        {},
      ),
  },
  {
    // A transform-only body runs inline up to 300 items (TRANSFORM_BUDGET_PER_CHUNK / body nodes); past that in
    // `evaluateLoopChunk` activities of 1,000 items, up to 4 at once.
    name: 'loop-transform-chunk-activities',
    covers: 'a long transform-only Loop (2,500 items) evaluated as three parallel evaluateLoopChunk activities',
    expect: { status: 'succeeded', nodes: { each: 'succeeded', count: 'succeeded' } },
    run: (context) =>
      triggered(
        context,
        'loop transform',
        flowDocument(
          [
            webhook,
            { id: 'each', type: 'core.loop', config: { items: '{{ [0..2499] }}', concurrency: 5 } },
            transform('double', { v: '{{ item * 2 }}' }, 'each'),
            transform('count', { n: '{{ $count(input) }}' }),
          ],
          [
            ['hook', 'each'],
            ['each', 'count'],
          ],
        ),
        {},
      ),
  },
];

const ONE_HOUR = 3600;
const waits: Scenario[] = [
  {
    name: 'wait-delay-timer',
    covers: 'Wait delay: a 1-second durable timer, then an HTTP activity',
    expect: { status: 'succeeded', nodes: { pause: 'succeeded', after: 'succeeded' } },
    run: (context) =>
      triggered(
        context,
        'delay',
        flowDocument(
          [
            webhook,
            { id: 'pause', type: 'core.wait', config: { mode: 'delay', durationSeconds: 1 } },
            http('after', `${context.local.url}/ok/after`),
          ],
          [
            ['hook', 'pause'],
            ['pause', 'after'],
          ],
        ),
        {},
      ),
  },
  {
    name: 'wait-event-resumed-by-api',
    covers: 'Wait for an event: the run parks, POST /api/runs/:id/resume (a signal) wakes it with its payload',
    expect: { status: 'succeeded', nodes: { approve: 'succeeded', done: 'succeeded', expired: 'skipped' } },
    async run(context) {
      const runId = await triggered(
        context,
        'event wait',
        flowDocument(
          [
            webhook,
            {
              id: 'approve',
              type: 'core.wait',
              config: { mode: 'event', eventName: 'approval', timeoutSeconds: ONE_HOUR },
            },
            http('done', `${context.local.url}/ok/done`),
            transform('expired', { expired: true }),
          ],
          [
            ['hook', 'approve'],
            ['approve', 'done'],
            ['approve', 'expired', 'timeout'],
          ],
        ),
        {},
      );
      const waiting = (run: { nodes: Record<string, { status: string }> }) => run.nodes.approve?.status === 'waiting';
      await context.api.untilRun(runId, 'node "approve" waiting for its event', waiting, 30_000);
      await context.api.post(`/api/runs/${runId}/resume`, { eventName: 'approval', payload: { by: 'api' } });
      return runId;
    },
  },
  {
    name: 'wait-event-timed-out',
    covers: 'Wait for an event that never comes: its 1-second timeout timer fires the timeout port',
    expect: { status: 'succeeded', nodes: { approve: 'succeeded', done: 'skipped', expired: 'succeeded' } },
    run: (context) =>
      triggered(
        context,
        'event timeout',
        flowDocument(
          [
            webhook,
            { id: 'approve', type: 'core.wait', config: { mode: 'event', timeoutSeconds: 1 } },
            transform('done', { by: '{{ input.by }}' }),
            http('expired', `${context.local.url}/ok/expired`),
          ],
          [
            ['hook', 'approve'],
            ['approve', 'done'],
            ['approve', 'expired', 'timeout'],
          ],
        ),
        {},
      ),
  },
  {
    name: 'approval-link-clicked-before-wait',
    covers:
      'approval: an HTTP step sends the signed resume link; it is clicked while that step is in flight, so the resume ' +
      'waits in the mailbox until the Wait starts; an If on the answer runs the approved branch',
    expect: { status: 'succeeded', nodes: { approve: 'succeeded', ship: 'succeeded', rejected: 'skipped' } },
    async run(context) {
      const { api, local } = context;
      const runId = await triggered(
        context,
        'approval',
        flowDocument(
          [
            webhook,
            http('notify', `${local.url}/hold/approval-mail`, {
              config: { body: { approveUrl: '{{ run.resumeUrls.approve }}' } },
              settings: once,
            }),
            { id: 'approve', type: 'core.wait', config: { mode: 'event', timeoutSeconds: ONE_HOUR } },
            { id: 'decide', type: 'core.if', config: { condition: '{{ input.approved }}' } },
            http('ship', `${local.url}/ok/ship`),
            transform('rejected', { rejectedBy: '{{ input.by }}' }),
          ],
          [
            ['hook', 'notify'],
            ['notify', 'approve'],
            ['approve', 'decide'],
            ['decide', 'ship', 'true'],
            ['decide', 'rejected', 'false'],
          ],
        ),
        {},
      );
      const mail = await local.nextHeld('approval-mail', 30_000);
      const link = typeof mail.body === 'object' && mail.body !== null ? Reflect.get(mail.body, 'approveUrl') : null;
      if (typeof link !== 'string') throw new Error(`the approval mail carried no link: ${JSON.stringify(mail.body)}`);
      await api.post(new URL(link, 'http://product').pathname, { approved: true, by: 'ada' });
      mail.release();
      return runId;
    },
  },
  {
    name: 'approval-decided-by-member',
    covers:
      'Wait for approval (docs/adr/018): openApproval activity, the decideApproval update from POST /api/approvals, closeApproval, the rejected port',
    expect: { status: 'succeeded', nodes: { ask: 'succeeded', ship: 'skipped', held: 'succeeded' } },
    async run(context) {
      const runId = await triggered(
        context,
        'approval by a member',
        flowDocument(
          [
            webhook,
            {
              id: 'ask',
              type: 'core.wait',
              config: { mode: 'approval', approvers: 'admin', title: 'Ship it?', timeoutSeconds: ONE_HOUR },
            },
            http('ship', `${context.local.url}/ok/ship`),
            transform('held', { comment: '{{ input.comment }}' }),
          ],
          [
            ['hook', 'ask'],
            ['ask', 'ship', 'approved'],
            ['ask', 'held', 'rejected'],
          ],
        ),
        {},
      );
      // The decision is accepted once the worker has opened the approval (just after the node shows waiting).
      await waitFor('the approval to take a decision', () =>
        context.api
          .post(`/api/approvals/${runId}/ask`, { decision: 'reject', comment: 'not yet' })
          .catch((error: unknown) => {
            if (error instanceof Error && / answered 409:/.test(error.message)) return undefined;
            throw error;
          }),
      );
      return runId;
    },
  },
];

/** manual → (the given nodes): a flow other flows call or hand their failures to. */
const calledFlow = (nodes: DocNode[]) =>
  flowDocument(
    [{ id: 'start', type: 'core.manual' }, ...nodes],
    nodes.map((node, index): [string, string] => [index === 0 ? 'start' : (nodes[index - 1]?.id ?? ''), node.id]),
  );

/** hook → call (Sub-flow of `childId`) → shout (HTTP). */
const callerFlow = (url: string, childId: string) =>
  flowDocument(
    [
      webhook,
      { id: 'call', type: 'core.subflow', config: { flowId: childId, input: { name: '{{ trigger.body.name }}' } } },
      http('shout', `${url}/ok/shout`),
    ],
    [
      ['hook', 'call'],
      ['call', 'shout'],
    ],
  );

const composition: Scenario[] = [
  {
    name: 'subflow-child-succeeded',
    covers: 'Sub-flow: a child runFlow workflow (transform + HTTP) whose output the parent passes on',
    expect: { status: 'succeeded', nodes: { call: 'succeeded', shout: 'succeeded' }, children: ['call'] },
    async run(context) {
      const { api, local } = context;
      const child = await api.createPublished(
        'greeter',
        calledFlow([
          transform('greet', { greeting: '{{ "Hello " & trigger.name }}' }),
          http('send', `${local.url}/ok/greet`),
        ]),
      );
      return triggered(context, 'caller', callerFlow(local.url, child.id), { name: 'Ada' });
    },
  },
  {
    name: 'subflow-child-failed',
    covers: 'Sub-flow whose child fails (HTTP 500): the child’s failure fails the parent’s node and run',
    expect: { status: 'failed', nodes: { call: 'failed', shout: 'skipped' }, children: ['call'] },
    async run(context) {
      const { api, local } = context;
      const child = await api.createPublished(
        'failing child',
        calledFlow([http('send', `${local.url}/fail`, { settings: once })]),
      );
      return triggered(context, 'caller of failing', callerFlow(local.url, child.id), { name: 'Bo' });
    },
  },
  {
    name: 'error-branch-taken',
    covers: 'onError errorOutput: the failed HTTP step fires its error port; the handler branch runs, the run succeeds',
    expect: { status: 'succeeded', nodes: { call: 'failed', next: 'skipped', alert: 'succeeded' } },
    run: (context) =>
      triggered(
        context,
        'error branch',
        flowDocument(
          [
            webhook,
            http('call', `${context.local.url}/fail`, { settings: { ...once, onError: 'errorOutput' } }),
            transform('next', { ok: true }),
            http('alert', `${context.local.url}/ok/alert`, { config: { body: { why: '{{ input.error.message }}' } } }),
          ],
          [
            ['hook', 'call'],
            ['call', 'next'],
            ['call', 'alert', 'error'],
          ],
        ),
        {},
      ),
  },
  {
    name: 'continue-on-error',
    covers: 'onError continue: the failed HTTP step succeeds with { error } as output and the next step reads it',
    expect: { status: 'succeeded', nodes: { call: 'succeeded', next: 'succeeded' } },
    run: (context) =>
      triggered(
        context,
        'continue on error',
        flowDocument(
          [
            webhook,
            http('call', `${context.local.url}/fail`, { settings: { ...once, onError: 'continue' } }),
            http('next', `${context.local.url}/ok/next`, { config: { body: { why: '{{ input.error.message }}' } } }),
          ],
          [
            ['hook', 'call'],
            ['call', 'next'],
          ],
        ),
        {},
      ),
  },
  {
    name: 'flow-error-handler',
    covers:
      'flow error handler: the run fails after retries, starts its error-handler flow as an abandoned child ' +
      '(transform + HTTP alert), then fails',
    expect: { status: 'failed', nodes: { call: 'failed' }, children: ['error-handler'] },
    async run(context) {
      const { api, local } = context;
      const handler = await api.createPublished(
        'on failure',
        calledFlow([
          transform('report', { run: '{{ trigger.failedRun.runId }}', node: '{{ trigger.failedRun.error.nodeId }}' }),
          http('alert', `${local.url}/ok/alert`),
        ]),
      );
      const failing = flowDocument(
        [webhook, http('call', `${local.url}/fail`, { settings: fastRetry })],
        [['hook', 'call']],
        { errorFlowId: handler.id },
      );
      return triggered(context, 'handled failure', failing, {});
    },
  },
];

const steps: Scenario[] = [
  {
    name: 'large-data-blob-ref',
    covers:
      'large data by reference: a ~450 KB response is kept as a blob and history holds its reference; the transform ' +
      'reading into it runs in an evaluateNode activity, the HTTP step forwarding it whole gets the reference',
    expect: {
      status: 'succeeded',
      nodes: { fetch: 'succeeded', summary: 'succeeded', store: 'succeeded' },
      maxHistoryBytes: 200_000,
    },
    run: (context) =>
      triggered(
        context,
        'large data',
        flowDocument(
          [
            webhook,
            { id: 'fetch', type: 'http.request', config: { method: 'GET', url: `${context.local.url}/big` } },
            transform('summary', {
              count: '{{ $count(steps.fetch.body.items) }}',
              total: '{{ $sum(steps.fetch.body.items.price) }}',
            }),
            http('store', `${context.local.url}/ok/store`, { config: { body: '{{ steps.fetch.body }}' } }),
          ],
          [
            ['hook', 'fetch'],
            ['fetch', 'summary'],
            ['summary', 'store'],
          ],
        ),
        {},
      ),
  },
  {
    name: 'code-step',
    covers: 'Code step: JavaScript in the QuickJS sandbox (an activity) computes from its input, then an HTTP step',
    expect: { status: 'succeeded', nodes: { code: 'succeeded', send: 'succeeded' } },
    run: (context) =>
      triggered(
        context,
        'code',
        flowDocument(
          [
            webhook,
            {
              id: 'code',
              type: 'code.javascript',
              config: {
                code: 'console.log("doubling", input.x); return { n: input.x * 2 };',
                input: '{{ trigger.body }}',
              },
            },
            http('send', `${context.local.url}/ok/code`, { config: { body: '{{ input.result }}' } }),
          ],
          [
            ['hook', 'code'],
            ['code', 'send'],
          ],
        ),
        { x: 21 },
      ),
  },
];

/**
 * The same runs recorded again once a step's first attempt became a local activity (docs/adr/009): the recordings
 * above stay, as the runs of older code that must still replay.
 */
const again = (from: string, name: string, covers: string): Scenario => {
  const original = [...linear, ...loops].find((scenario) => scenario.name === from);
  if (!original) throw new Error(`no scenario ${from}`);
  return { ...original, name, covers };
};
const localFirstAttempt: Scenario[] = [
  again(
    'webhook-transform-http-succeeded',
    'local-step-succeeded',
    'the HTTP step’s first attempt as a local activity: one workflow task, one marker, no activity',
  ),
  again(
    'http-retried-once-then-succeeded',
    'local-step-retried-as-activity',
    'the local first attempt fails (500); after the retry interval (a timer) the second attempt is a regular activity',
  ),
  again(
    'http-failed-run-failed',
    'local-step-failed-run-failed',
    'the local first attempt and the activity retry both fail: the node shows 2 attempts and the run fails',
  ),
  again(
    'loop-inline-http',
    'local-step-loop-inline',
    'Loop over 5 items, 2 at a time, inline: local attempts one unrecorded at a time, the other calls regular activities',
  ),
];

/** A step whose worker stops heartbeating (dies) while it runs, and goes again without using up an attempt. */
const workerCrash: Scenario[] = [
  {
    name: 'step-worker-died-tried-again',
    covers:
      'a regular-activity step (timeout past the local limit) whose worker stops heartbeating: heartbeat timeout, ' +
      'then one more try that is not counted as an attempt; the run succeeds',
    expect: { status: 'succeeded', nodes: { call: 'succeeded' } },
    run: (context) =>
      triggered(
        context,
        'worker died',
        flowDocument(
          [webhook, http('call', `${context.local.url}/stall/6000/call`, { settings: { timeoutMs: 90_000, ...once } })],
          [['hook', 'call']],
        ),
        { name: 'Ada' },
      ),
  },
];

/**
 * A retry from the failed step (the failed-runs queue): the retried run reuses the succeeded step's output (no
 * activity for it) and runs the failed one; its flow declares a searchable field, so the run records `RunKeys`.
 */
const retries: Scenario[] = [
  {
    name: 'retry-from-failed-step',
    covers:
      'a retry from the failed step: `fetch` reused from the failed run (no activity), `save` runs; the flow’s ' +
      'searchable field is recorded (`patched` marker + upsert of `RunKeys`)',
    expect: { status: 'succeeded', nodes: { fetch: 'succeeded', save: 'succeeded' } },
    async run({ api, local }) {
      const document = {
        ...flowDocument(
          [
            webhook,
            http('fetch', `${local.url}/ok/fetch`),
            http('save', `${local.url}/flaky/retry-save`, { settings: once }),
          ],
          [
            ['hook', 'fetch'],
            ['fetch', 'save'],
          ],
        ),
        settings: { searchable: [{ name: 'orderId', expression: '{{ trigger.body.orderId }}' }] },
      };
      const flow = await api.createPublished('retried', document);
      const failed = await api.trigger(flow.webhookPath, { orderId: 'A-1001' });
      await api.untilRun(failed, 'to fail on save', (run) => run.status === 'failed', 60_000);
      // The worker's run-report writer puts the failure in the queue a moment after the run closed.
      return within(`the failure of ${failed} to be queued and retried`, 30_000, async () => {
        for (;;) {
          const { results } = await api.post('/api/failures/retry', { runIds: [failed] });
          const [result] = Array.isArray(results) ? (results as { ok: boolean; newRunId?: string }[]) : [];
          if (result?.ok && result.newRunId) return result.newRunId;
          await new Promise((done) => setTimeout(done, 100));
        }
      });
    },
  },
];

export const scenarios: Scenario[] = [
  ...linear,
  ...branching,
  ...loops,
  ...waits,
  ...composition,
  ...steps,
  ...localFirstAttempt,
  ...workerCrash,
  ...retries,
];
