import { createHash, randomUUID } from 'node:crypto';
import {
  cachedWorkspaceWeights,
  type ExecutionPlan,
  FAIRNESS_COLLECTION,
  type FairnessRecord,
  FLOW_ID,
  FLOW_VERSION,
  limitedHandOverOf,
  RUN_FLOW_WORKFLOW,
  RUN_TRIGGER,
  type RunFlowInput,
  runPriority,
  runStartOptions,
  WORKSPACE_ID,
} from '@pipewright/run-contract';
import { type CredentialResolver, createStepCredentials, takeCredentialRefs } from '@pipewright/step-host';
import type { AnyStepDefinition, TriggerListener, TriggerMessage } from '@pipewright/step-sdk';
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Db } from 'mongodb';
import { handOverToCoordinator } from './hand-over.ts';

/** The run a broker message starts: derived from the message id, so a redelivered message never starts two. */
export const messageRunIdOf = (flowId: string, messageId: string): string =>
  `run_${flowId}_msg_${createHash('sha256').update(messageId).digest('hex')}`;

/** What starting one run needs; tests inject a failing one to prove a message is acked only after the start. */
export interface StartRunRequest {
  workflowId: string;
  taskQueue: string;
  input: RunFlowInput;
  flowName: string;
}
export type StartRun = (request: StartRunRequest) => Promise<void>;

export interface TriggerRunnerOptions {
  client: Client;
  /** The server's database: `flows` and `flow_versions` are read (never written) to find broker-triggered flows. */
  db: Db;
  steps: AnyStepDefinition[];
  taskQueue: string;
  credentials?: CredentialResolver | undefined;
  /**
   * This worker among the workers listening to the same flows (TriggerListenContext.memberId); stable across restarts
   * so per-worker broker sessions are taken back.  Default: a random id (tests; a restart starts fresh sessions).
   */
  memberId?: string;
  /**
   * Message runs carry the events lane and their workspace's fair share (docs/adr/027; `PIPEWRIGHT_FAIRNESS`).
   * Default on.
   */
  fairness?: boolean;
  /** How often published flows are re-read (FerretDB has no change streams). Default 3 s. */
  syncIntervalMs?: number;
  /** Default: `client.workflow.start(runFlow, …)`, REJECT_DUPLICATE; an already-started id counts as started. */
  startRun?: StartRun;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface TriggerRunner {
  /** Re-reads the published flows now and (un)subscribes to match; resolves when done. */
  sync(): Promise<void>;
  /** Flow ids with an open subscription. */
  listening(): string[];
  stop(): Promise<void>;
}

interface ActiveListener {
  key: string;
  listener: TriggerListener;
  abort: AbortController;
}

/**
 * Keeps one broker subscription per published flow whose trigger step can `listen` (rabbitmq.trigger,
 * mqtt.trigger, nats.trigger…), and turns each message into a `runFlow` start (or, for a flow with "at most N runs at
 * once", a hand-over to the flow's coordinator).  The step acknowledges the message
 * to its broker only after `deliver` resolved, i.e. after Temporal accepted the start (docs/adr/008).
 */
export async function startTriggerRunner(options: TriggerRunnerOptions): Promise<TriggerRunner> {
  const log = options.log ?? ((message, fields) => console.warn(`[trigger-runner] ${message}`, fields ?? ''));
  const memberId = options.memberId ?? randomUUID().slice(0, 8);
  const listening = new Map<string, ActiveListener>();
  /** flowId@version → whether that version listens (versions are immutable, so this never goes stale). */
  const planCache = new Map<string, ExecutionPlan | null>();
  const startRun = options.startRun ?? temporalStartRun(options.client);
  const listenable = new Map(options.steps.filter((step) => step.listen).map((step) => [step.type, step]));
  const fairness = options.fairness ?? true;
  const weights = cachedWorkspaceWeights(
    async (workspaceId) =>
      (
        await options.db
          .collection<FairnessRecord>(FAIRNESS_COLLECTION)
          .findOne({ _id: workspaceId }, { projection: { weight: 1 } })
      )?.weight,
    { now: Date.now },
  );

  async function planOf(flow: { _id: string; workspaceId: string; latestVersion: number }) {
    const key = `${flow._id}@${flow.latestVersion}`;
    if (!planCache.has(key)) {
      const version = await options.db
        .collection<{ planJson: string }>('flow_versions')
        .findOne({ workspaceId: flow.workspaceId, flowId: flow._id, version: flow.latestVersion });
      if (!version) return null; // published in a moment: the version is written before latestVersion moves
      const plan = JSON.parse(version.planJson) as ExecutionPlan;
      const trigger = plan.nodes.find((node) => node.id === plan.triggerNodeId);
      planCache.set(key, trigger && listenable.has(trigger.type) ? plan : null);
    }
    return planCache.get(key) ?? null;
  }

  async function open(flow: { _id: string; workspaceId: string; name: string }, plan: ExecutionPlan, key: string) {
    const trigger = plan.nodes.find((node) => node.id === plan.triggerNodeId);
    const step = trigger ? listenable.get(trigger.type) : undefined;
    if (!trigger || !step?.listen) return;
    const split = takeCredentialRefs(step, trigger.config);
    const config = step.input.parse(split.input);
    const credentials = createStepCredentials({
      step,
      refs: split.refs,
      workspaceId: flow.workspaceId,
      nodeId: trigger.id,
      workflowId: `listen_${flow._id}`,
      resolver: options.credentials,
    });
    const abort = new AbortController();
    const deliver = async (message: TriggerMessage) => {
      const workflowId = messageRunIdOf(flow._id, message.id);
      const priority = runPriority({
        workspaceId: flow.workspaceId,
        lane: 'events',
        batch: plan.batch,
        weight: fairness ? await weights(flow.workspaceId) : undefined,
        enabled: fairness,
      });
      const input: RunFlowInput = {
        plan,
        trigger: message.data,
        run: { id: workflowId, workspaceId: flow.workspaceId, kind: 'message', ...(priority ? { priority } : {}) },
        localTaskQueue: options.taskQueue,
      };
      // A flow with "at most N runs at once": the message's run waits in the flow's line (docs/adr/020); acked once
      // the coordinator has it.
      const handOver = limitedHandOverOf(input, 'message', flow.name);
      if (handOver) await handOverToCoordinator(options.client, options.taskQueue, handOver);
      else await startRun({ workflowId, taskQueue: options.taskQueue, flowName: flow.name, input });
    };
    const listener = await step.listen(config, {
      subscriptionId: `pw_${flow._id}`,
      memberId,
      credentials: credentials.port,
      signal: abort.signal,
      deliver,
      log: {
        info: (message, fields) => log(`${flow._id}: ${message}`, fields),
        warn: (message, fields) => log(`${flow._id}: ${message}`, fields),
        error: (message, fields) => log(`${flow._id}: ${message}`, fields),
      },
    });
    const active = { key, listener, abort };
    listening.set(flow._id, active);
    listener.closed?.then(
      () => {
        // Lost by itself (broker restart…): forget it, so the next sync subscribes again.
        if (listening.get(flow._id) === active && !abort.signal.aborted) listening.delete(flow._id);
      },
      () => {},
    );
  }

  async function close(flowId: string) {
    const active = listening.get(flowId);
    if (!active) return;
    listening.delete(flowId);
    active.abort.abort();
    await active.listener.close().catch((error: unknown) => log(`closing ${flowId} failed`, { error: String(error) }));
  }

  let syncing: Promise<void> | undefined;
  const syncOnce = async () => {
    const flows = await options.db
      .collection<{ _id: string; workspaceId: string; name: string; latestVersion: number | null }>('flows')
      // A paused flow (server/src/pauses) is not wanted: its subscription closes and its messages wait in the broker.
      .find(
        { latestVersion: { $ne: null }, paused: { $exists: false } },
        { projection: { _id: 1, workspaceId: 1, name: 1, latestVersion: 1 } },
      )
      .toArray();
    const wanted = new Set<string>();
    for (const flow of flows) {
      if (flow.latestVersion === null) continue;
      const plan = await planOf({ ...flow, latestVersion: flow.latestVersion });
      if (!plan) continue;
      const key = `${flow._id}@${flow.latestVersion}`;
      wanted.add(flow._id);
      const active = listening.get(flow._id);
      if (active?.key === key) continue;
      await close(flow._id);
      try {
        await open(flow, plan, key);
      } catch (error) {
        // The broker is down or the config is wrong: the next sync tries again.
        log(`could not subscribe for flow ${flow._id}`, { error: String(error) });
      }
    }
    for (const flowId of [...listening.keys()]) if (!wanted.has(flowId)) await close(flowId);
  };
  // One sync at a time; a sync asked for while one runs runs after it (it may have read the flows too early).
  let queued: Promise<void> | undefined;
  const sync = (): Promise<void> => {
    if (syncing) {
      queued ??= syncing
        .catch(() => {})
        .then(() => {
          queued = undefined;
          return sync();
        });
      return queued;
    }
    syncing = syncOnce().finally(() => {
      syncing = undefined;
    });
    return syncing;
  };

  let stopped = false;
  await sync().catch((error: unknown) => log('first sync failed', { error: String(error) }));
  const timer = setInterval(() => {
    if (!stopped) sync().catch((error: unknown) => log('sync failed', { error: String(error) }));
  }, options.syncIntervalMs ?? 3000);
  return {
    sync,
    listening: () => [...listening.keys()],
    async stop() {
      stopped = true;
      clearInterval(timer);
      await syncing?.catch(() => {});
      await Promise.all([...listening.keys()].map(close));
    },
  };
}

/** Starts `runFlow` for a message (REJECT_DUPLICATE); an id that already ran counts as started, so the message is acked. */
export function temporalStartRun(client: Client): StartRun {
  return async (request) => {
    try {
      await client.workflow.start(RUN_FLOW_WORKFLOW, {
        taskQueue: request.taskQueue,
        workflowId: request.workflowId,
        ...runStartOptions(request.input.plan, request.input.run.priority),
        args: [request.input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        memo: { flowName: request.flowName },
        typedSearchAttributes: [
          { key: WORKSPACE_ID, value: request.input.run.workspaceId },
          { key: FLOW_ID, value: request.input.plan.flowId },
          { key: FLOW_VERSION, value: request.input.plan.version },
          { key: RUN_TRIGGER, value: 'message' },
        ],
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  };
}
