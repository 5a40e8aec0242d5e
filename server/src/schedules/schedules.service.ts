import type { FlowScheduleView } from '@pipewright/api-contract';
import { builtinStepDefinitions } from '@pipewright/builtin-steps';
import type { CompileError } from '@pipewright/compiler';
import {
  type ExecutionPlan,
  FLOW_ID,
  FLOW_VERSION,
  limitedHandOverOf,
  type PlanNode,
  RUN_FLOW_WORKFLOW,
  RUN_TRIGGER,
  type RunFlowInput,
  type RunPriority,
  runStartOptions,
  SCHEDULED_HAND_OVER_PREFIX,
  SCHEDULED_HAND_OVER_WORKFLOW,
  WORKSPACE_ID,
} from '@pipewright/run-contract';
import { parsePlan } from '@pipewright/run-contract/schema';
import { checkScheduleConfig, scheduleTrigger, webhookTrigger } from '@pipewright/steps-core';
import {
  type Client,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  type ScheduleOptions,
  type ScheduleOverlapPolicy,
  type ScheduleUpdateOptions,
} from '@temporalio/client';
import type { z } from 'zod';
import { ApiError } from '../errors.ts';
import type { RunLanes } from '../fairness/run-lanes.ts';
import type { FlowRecord } from '../flows/flows.repository.ts';
import type { FlowsService, PublishHooks } from '../flows/flows.service.ts';
import { NOTE_PAUSED_WITH_FLOW } from './flow-pause-schedules.ts';
import { deletePollSchedule, upsertPollSchedule } from './poll-schedules.ts';

type ScheduleConfig = z.output<typeof scheduleTrigger.input>;
type Overlap = ScheduleConfig['overlap'];

const SCHEDULE_TYPE = scheduleTrigger.type;
const WEBHOOK_TYPE = webhookTrigger.type;
const OVERLAP: Record<Overlap, ScheduleOverlapPolicy> = {
  skip: 'SKIP',
  bufferOne: 'BUFFER_ONE',
  allowAll: 'ALLOW_ALL',
  cancelOther: 'CANCEL_OTHER',
};
/** Trigger types with a `poll`: their flows get a `poll_<flowId>` Schedule (the core worker runs the polls). */
const POLLING_TYPES = new Set(builtinStepDefinitions.filter((step) => step.poll).map((step) => step.type));
const NOTE_PAUSED_BY_CONFIG = 'Paused in the flow’s schedule settings';
const NOTE_PAUSED_BY_USER = 'Paused by a user';
/** After an outage, fire times older than this are dropped instead of all being run at once. */
const CATCHUP_WINDOW = '1 minute';

/** The Temporal Schedule of a flow: one per flow, id `flow_<flowId>`. */
export const scheduleIdOf = (flowId: string): string => `flow_${flowId}`;

/**
 * Keeps each flow's Temporal Schedule in step with its published version (publish and rollback both publish), and
 * serves its state, next fire times, pause and resume.  Scheduled runs get workflow ids
 * `run_<flowId>_schedule-<fire time>` (Temporal appends the time) and RunTrigger='schedule'; the runs index picks
 * them up from Temporal's visibility (scheduled-runs.ts).
 */
export class SchedulesService implements PublishHooks {
  readonly #temporal: Client;
  readonly #taskQueue: string;
  readonly #flows: FlowsService;
  readonly #lanes: RunLanes | undefined;

  /**
   * `lanes`: a schedule's runs go in the background lane and a poll's in the events lane, at the workspace's weight
   * when the flow is published (docs/adr/027).
   */
  constructor(deps: { temporal: Client; taskQueue: string; flows: FlowsService; lanes?: RunLanes }) {
    this.#temporal = deps.temporal;
    this.#taskQueue = deps.taskQueue;
    this.#flows = deps.flows;
    this.#lanes = deps.lanes;
  }

  /** Located errors the compiler's schema pass cannot see: cron syntax, time zone, a webhook's answering node. */
  check(plan: ExecutionPlan): CompileError[] {
    const errors: CompileError[] = [];
    for (const node of plan.nodes) {
      if (node.type === SCHEDULE_TYPE) {
        for (const issue of checkScheduleConfig(node.config)) {
          errors.push({ code: 'invalid_config', nodeId: node.id, field: issue.field, message: issue.message });
        }
      }
      const responseNodeId = node.type === WEBHOOK_TYPE ? node.config.responseNodeId : undefined;
      if (typeof responseNodeId === 'string' && !plan.nodes.some((other) => other.id === responseNodeId)) {
        errors.push({
          code: 'invalid_config',
          nodeId: node.id,
          field: 'config.responseNodeId',
          message: `Node "${responseNodeId}" is not in this flow, so its output cannot be the webhook's answer`,
        });
      }
    }
    return errors;
  }

  afterPublish(workspaceId: string, flowId: string, version: number): Promise<void> {
    return this.syncTriggersAfterPublish(workspaceId, flowId, version);
  }

  async afterDelete(flowId: string): Promise<void> {
    await this.#deleteSchedule(flowId);
    await deletePollSchedule(this.#temporal, flowId);
  }

  /**
   * Makes the flow's schedule match its live version: created or updated when that version's trigger is a
   * schedule, deleted otherwise.  Syncs the flow's latest version even when `version` is older (two publishes
   * racing), so the last sync always reflects what is live.
   */
  async syncTriggersAfterPublish(workspaceId: string, flowId: string, version: number): Promise<void> {
    const flow = await this.#flows.getRecord(workspaceId, flowId);
    const live = Math.max(version, flow.latestVersion ?? 0);
    const plan = parsePlan((await this.#flows.getVersionRecord(workspaceId, flowId, live)).planJson);
    const trigger = triggerOf(plan);
    if (trigger && POLLING_TYPES.has(trigger.type)) {
      await this.#deleteSchedule(flowId);
      await upsertPollSchedule(this.#temporal, {
        flowId,
        flowName: flow.name,
        workspaceId,
        plan,
        taskQueue: this.#taskQueue,
        paused: flow.paused !== undefined,
        priority: await this.#lanes?.priorityOf(workspaceId, 'events', plan),
      });
      return;
    }
    await deletePollSchedule(this.#temporal, flowId);
    if (trigger?.type !== SCHEDULE_TYPE) {
      await this.#deleteSchedule(flowId);
      return;
    }
    await this.#upsertSchedule(flow, plan, scheduleTrigger.input.parse(trigger.config));
  }

  async get(workspaceId: string, flowId: string): Promise<FlowScheduleView> {
    const flow = await this.#flows.getRecord(workspaceId, flowId);
    const config = await this.#liveConfig(flow);
    if (!config) return { state: 'none', nextRuns: [], overlap: null, spec: null, note: null };
    try {
      const description = await this.#temporal.schedule.getHandle(scheduleIdOf(flowId)).describe();
      return {
        state: description.state.paused ? 'paused' : 'active',
        nextRuns: description.info.nextActionTimes.slice(0, 5).map((time) => time.toISOString()),
        overlap: config.overlap,
        spec:
          config.mode === 'cron'
            ? { cron: config.cron ?? '', timezone: config.timezone }
            : { intervalSeconds: config.intervalSeconds ?? 0 },
        note: description.state.note ?? null,
      };
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) {
        return { state: 'none', nextRuns: [], overlap: null, spec: null, note: null };
      }
      throw error;
    }
  }

  async pause(workspaceId: string, flowId: string): Promise<FlowScheduleView> {
    await this.#withSchedule(workspaceId, flowId, (handle) => handle.pause(NOTE_PAUSED_BY_USER));
    return this.get(workspaceId, flowId);
  }

  async resume(workspaceId: string, flowId: string): Promise<FlowScheduleView> {
    await this.#withSchedule(workspaceId, flowId, (handle) => handle.unpause('Resumed by a user'));
    return this.get(workspaceId, flowId);
  }

  async #withSchedule(
    workspaceId: string,
    flowId: string,
    act: (handle: ReturnType<Client['schedule']['getHandle']>) => Promise<void>,
  ): Promise<void> {
    const flow = await this.#flows.getRecord(workspaceId, flowId);
    try {
      await act(this.#temporal.schedule.getHandle(scheduleIdOf(flowId)));
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
      throw new ApiError(
        404,
        'no_schedule',
        `Flow "${flow.name}" has no schedule: its published version is not started by a Schedule trigger`,
      );
    }
  }

  async #liveConfig(flow: FlowRecord): Promise<ScheduleConfig | undefined> {
    if (flow.latestVersion === null) return undefined;
    const plan = parsePlan(
      (await this.#flows.getVersionRecord(flow.workspaceId, flow._id, flow.latestVersion)).planJson,
    );
    const trigger = triggerOf(plan);
    return trigger?.type === SCHEDULE_TYPE ? scheduleTrigger.input.parse(trigger.config) : undefined;
  }

  async #upsertSchedule(flow: FlowRecord, plan: ExecutionPlan, config: ScheduleConfig): Promise<void> {
    const priority = await this.#lanes?.priorityOf(flow.workspaceId, 'background', plan);
    const options = this.#scheduleOptions(flow, plan, config, priority);
    const handle = this.#temporal.schedule.getHandle(options.scheduleId);
    // A user's pause survives a publish; the config's own `paused` is applied on every publish.
    const update = (previous: { state: { paused: boolean; note?: string } }): ScheduleUpdateOptions => {
      const keepUserPause = previous.state.paused && previous.state.note === NOTE_PAUSED_BY_USER;
      const paused = config.paused || keepUserPause || flow.paused !== undefined;
      return {
        spec: options.spec,
        action: options.action,
        policies: options.policies ?? {},
        ...(options.typedSearchAttributes ? { typedSearchAttributes: options.typedSearchAttributes } : {}),
        state: paused ? { paused: true, note: pauseNote(config.paused, keepUserPause) } : { paused: false },
      };
    };
    try {
      await this.#rejectedAsConfig(() => handle.update(update));
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
      try {
        await this.#rejectedAsConfig(() => this.#temporal.schedule.create(options));
      } catch (createError) {
        // Another publish created it between our update and create: update that one.
        if (!(createError instanceof ScheduleAlreadyRunning)) throw createError;
        await this.#rejectedAsConfig(() => handle.update(update));
      }
    }
  }

  #scheduleOptions(
    flow: FlowRecord,
    plan: ExecutionPlan,
    config: ScheduleConfig,
    priority: RunPriority | undefined,
  ): ScheduleOptions {
    // The worker fills in run.id (the workflow id Temporal gives each fire) and the trigger output (fire time).
    const input: RunFlowInput = {
      plan,
      trigger: null,
      run: { id: '', workspaceId: flow.workspaceId, kind: 'schedule', ...(priority === undefined ? {} : { priority }) },
      localTaskQueue: this.#taskQueue,
    };
    const searchAttributes = [
      { key: WORKSPACE_ID, value: flow.workspaceId },
      { key: FLOW_ID, value: flow._id },
      { key: FLOW_VERSION, value: plan.version },
      { key: RUN_TRIGGER, value: 'schedule' },
    ];
    const runWorkflowId = `run_${flow._id}_schedule`;
    // A flow with "at most N runs at once" (docs/adr/020): each fire hands its run (same id) to the flow's coordinator.
    const handOver = limitedHandOverOf(input, 'schedule', flow.name);
    const action: ScheduleOptions['action'] = handOver
      ? {
          type: 'startWorkflow',
          workflowType: SCHEDULED_HAND_OVER_WORKFLOW,
          taskQueue: this.#taskQueue,
          workflowId: `${SCHEDULED_HAND_OVER_PREFIX}${runWorkflowId}`,
          ...(priority === undefined ? {} : { priority }),
          args: [handOver],
        }
      : {
          type: 'startWorkflow',
          workflowType: RUN_FLOW_WORKFLOW,
          taskQueue: this.#taskQueue,
          workflowId: runWorkflowId,
          ...runStartOptions(plan, priority),
          args: [input],
          typedSearchAttributes: searchAttributes,
          memo: { flowName: flow.name },
        };
    return {
      scheduleId: scheduleIdOf(flow._id),
      spec:
        config.mode === 'cron'
          ? { cronExpressions: [config.cron ?? ''], timezone: config.timezone }
          : { intervals: [{ every: (config.intervalSeconds ?? 60) * 1000 }] },
      action,
      policies: { overlap: OVERLAP[config.overlap], catchupWindow: CATCHUP_WINDOW },
      typedSearchAttributes: [searchAttributes[0], searchAttributes[1]].filter((pair) => pair !== undefined),
      state:
        config.paused || flow.paused !== undefined
          ? { paused: true, note: pauseNote(config.paused, false) }
          : { paused: false },
    };
  }

  async #deleteSchedule(flowId: string): Promise<void> {
    try {
      await this.#temporal.schedule.getHandle(scheduleIdOf(flowId)).delete();
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
  }

  /** Temporal is the last word on cron syntax: its refusal becomes a 422 naming the field. */
  async #rejectedAsConfig<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      // The client rethrows Temporal's "Invalid schedule spec" as a bare TypeError (its prefix cut off: the type is all
      // that tells it); other INVALID_ARGUMENTs keep the gRPC code.
      const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
      if (!(error instanceof TypeError) && code !== 3 /* gRPC INVALID_ARGUMENT */) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new ApiError(422, 'schedule_rejected', `Temporal refused the schedule (config.cron): ${message}`);
    }
  }
}

/** Why a schedule is paused, the most lasting reason first: a paused flow's resume lifts only its own note. */
function pauseNote(byConfig: boolean, byUser: boolean): string {
  if (byConfig) return NOTE_PAUSED_BY_CONFIG;
  return byUser ? NOTE_PAUSED_BY_USER : NOTE_PAUSED_WITH_FLOW;
}

function triggerOf(plan: ExecutionPlan): PlanNode | undefined {
  return plan.nodes.find((node) => node.id === plan.triggerNodeId);
}
