import type { AlertChannel } from '@pipewright/api-contract';
import { DELIVER_ALERT_WORKFLOW, type DeliverAlertInput } from '@pipewright/run-contract';
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { type AlertEventRecord, type AlertEventsRepository, deliveryKey } from './alert-events.repository.ts';
import { type AlertMessage, deliveryStep } from './alert-messages.ts';

/** Longest delivery error kept on an event. */
const MAX_ERROR_CHARS = 500;

/**
 * Sends alerts through Temporal: one `deliverAlert` workflow per channel (worker/src/workflows/deliver-alert.ts),
 * which runs the channel's built-in step on the worker with retries.  The server never decrypts a channel's
 * credential and runs no I/O to the outside itself.  An alert is first recorded (`alert_events`, deliveries
 * `pending`), then handed over: its workflows are started under ids derived from the event, so handing it over
 * twice (a crash, two servers) sends it once.  Outcomes are written back as the workflows close, by whichever server
 * watches them.
 */
export class AlertDelivery {
  readonly #temporal: Client;
  readonly #taskQueue: string;
  readonly #events: AlertEventsRepository;
  readonly #log: (message: string, error: unknown) => void;
  /** Deliveries this process waits on, by workflow id. */
  readonly #watching = new Map<string, Promise<void>>();

  constructor(deps: {
    temporal: Client;
    taskQueue: string;
    events: AlertEventsRepository;
    log: (message: string, error: unknown) => void;
  }) {
    this.#temporal = deps.temporal;
    this.#taskQueue = deps.taskQueue;
    this.#events = deps.events;
    this.#log = deps.log;
  }

  /**
   * The alert as an event to record: deliveries `pending`, not yet handed over.  Its id is the claim (see
   * alert-events.repository.ts).
   */
  newEvent(input: {
    eventId: string;
    kind: AlertEventRecord['kind'];
    channels: AlertChannel[];
    message: AlertMessage;
  }): AlertEventRecord {
    const { eventId, message } = input;
    const deliveries: AlertEventRecord['deliveries'] = {};
    input.channels.forEach((channel, index) => {
      deliveries[deliveryKey(index)] = {
        channel: channel.type,
        workflowId: `alert-${eventId}.${deliveryKey(index)}`,
        status: 'pending',
      };
    });
    return {
      _id: eventId,
      workspaceId: message.workspaceId,
      flowId: message.flowId,
      ruleId: message.ruleId,
      ruleName: message.ruleName,
      at: message.at,
      kind: input.kind,
      summary: message.summary,
      flowName: message.flowName,
      conditionKind: message.kind,
      ...(message.link === undefined ? {} : { link: message.link }),
      channels: input.channels,
      handedOver: false,
      deliveries,
      pending: input.channels.length > 0,
    };
  }

  /** Records the alert; false when its id was claimed already (by another server). */
  record(event: AlertEventRecord): Promise<boolean> {
    return this.#events.insert(event);
  }

  /**
   * Starts one `deliverAlert` workflow per channel, under ids derived from the event: idempotent, so an alert handed
   * over twice (a crash, two servers) is sent once.
   */
  async handOver(event: AlertEventRecord): Promise<void> {
    const message = messageOf(event);
    await Promise.all(
      event.channels.map(async (channel, index) => {
        const key = deliveryKey(index);
        const workflowId = event.deliveries[key]?.workflowId ?? `alert-${event._id}.${key}`;
        const args: DeliverAlertInput = {
          workspaceId: event.workspaceId,
          step: deliveryStep(channel, message),
          idempotencyKey: workflowId,
        };
        try {
          await this.#temporal.workflow.start(DELIVER_ALERT_WORKFLOW, {
            workflowId,
            taskQueue: this.#taskQueue,
            args: [args],
            // A delivery that already ran to its end is not sent again (the default would start a new run).
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          });
        } catch (error) {
          // Handed over before (a retry after a crash, or another server): that start is the delivery.
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        }
        this.#watch(event._id, workflowId);
      }),
    );
    await this.#events.markHandedOver(event._id);
  }

  /** Hands over alerts whose claiming server died before it did. */
  async handOverLeftovers(): Promise<void> {
    for (const event of await this.#events.listNotHandedOver(100)) await this.handOver(event);
  }

  /**
   * Watches deliveries still pending that no watch of this process follows (left by a restart or another server).
   * Only events handed over: the workflows of one being handed over right now may not exist yet.
   */
  async watchPending(): Promise<void> {
    for (const event of await this.#events.listPending(100)) {
      for (const delivery of Object.values(event.deliveries)) {
        if (delivery.status === 'pending') this.#watch(event._id, delivery.workflowId);
      }
    }
  }

  #watch(eventId: string, workflowId: string): void {
    if (this.#watching.has(workflowId)) return;
    const watch = this.#temporal.workflow
      .getHandle(workflowId)
      .result()
      .then(
        () => this.#events.settle(eventId, workflowId, { status: 'sent' }),
        (error: unknown) => {
          // Only the delivery's own end is an outcome; Temporal out of reach leaves it pending for the next round.
          if (!(error instanceof WorkflowFailedError || error instanceof WorkflowNotFoundError)) throw error;
          return this.#events.settle(eventId, workflowId, { status: 'failed', error: deliveryError(error) });
        },
      )
      .catch((error: unknown) =>
        this.#log(`alert delivery ${workflowId}: no outcome recorded yet (the next round looks again)`, error),
      )
      .finally(() => this.#watching.delete(workflowId));
    this.#watching.set(workflowId, watch);
  }
}

function messageOf(event: AlertEventRecord): AlertMessage {
  return {
    workspaceId: event.workspaceId,
    ruleId: event.ruleId,
    ruleName: event.ruleName,
    kind: event.conditionKind,
    flowId: event.flowId,
    flowName: event.flowName,
    summary: event.summary,
    at: event.at,
    test: event.kind === 'test',
    link: event.link,
  };
}

/** The innermost cause's message: the step's own error (already scrubbed of credential values by the worker). */
function deliveryError(error: unknown): string {
  if (error instanceof WorkflowNotFoundError) return 'the delivery was lost (its workflow is gone)';
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  const message = current instanceof Error ? current.message : String(current);
  return message.slice(0, MAX_ERROR_CHARS);
}
