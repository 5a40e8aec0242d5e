/** What every fault drill does: publish its flow, deliver webhooks as a sender would, wait for runs, check guarantees. */
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import type { Cluster } from './cluster.ts';

export interface DrillResult {
  name: string;
  /** Figures printed and kept in the README (runs accepted, succeeded, lost, invisible, duplicated, …). */
  figures: Record<string, string | number>;
  /** Guarantees that did not hold: the suite fails when any drill has one. */
  broken: string[];
}

export interface PublishedFlow {
  id: string;
  hook: string;
}

export async function publish(cluster: Cluster, name: string, document: unknown): Promise<PublishedFlow> {
  const created = await cluster.api('/api/flows', { method: 'POST', body: { name, document } });
  if (created.status !== 201)
    throw new Error(`creating flow ${name}: ${created.status} ${JSON.stringify(created.body)}`);
  const flow = created.body as { id: string; webhookPath: string };
  const published = await cluster.api(`/api/flows/${flow.id}/publish`, { method: 'POST' });
  if (published.status !== 201) throw new Error(`publishing ${name}: ${published.status}`);
  return { id: flow.id, hook: `${cluster.baseUrl}${flow.webhookPath}` };
}

export interface Delivery {
  /** HTTP status, or 0 when the connection failed (refused, reset: the server was down). */
  status: number;
  runId?: string;
  retryAfter?: string | null;
  body?: unknown;
  /** `duplicate`: the answer named a run started before (x-pipewright-duplicate). */
  headers?: { duplicate: boolean };
}

/** One webhook POST, as a sender sends it; a connection that fails is status 0, never a thrown error. */
export async function deliver(hook: string, body: unknown, deliveryId?: string): Promise<Delivery> {
  try {
    const response = await fetch(hook, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(deliveryId ? { 'idempotency-key': deliveryId } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    const runId = (parsed as { runId?: unknown } | undefined)?.runId;
    return {
      status: response.status,
      ...(typeof runId === 'string' ? { runId } : {}),
      retryAfter: response.headers.get('retry-after'),
      body: parsed,
      headers: { duplicate: response.headers.get('x-pipewright-duplicate') === 'true' },
    };
  } catch {
    return { status: 0 };
  }
}

/**
 * A sender that retries until it gets an answer other than a failed connection or a 503 (what webhook senders do:
 * Stripe, GitHub, Shopify retry on those), waiting Retry-After when given, `pauseMs` otherwise.
 */
export async function deliverUntilAnswered(
  hook: string,
  body: unknown,
  deliveryId: string,
  options: { pauseMs: number; deadlineMs: number },
): Promise<Delivery & { attempts: number }> {
  const deadline = Date.now() + options.deadlineMs;
  for (let attempts = 1; ; attempts++) {
    const answer = await deliver(hook, body, deliveryId);
    if ((answer.status !== 0 && answer.status !== 503) || Date.now() > deadline) return { ...answer, attempts };
    const retryAfter = Number(answer.retryAfter);
    await pause(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 2_000) : options.pauseMs);
  }
}

export type RunEnd = 'succeeded' | 'failed' | 'lost';

/**
 * Waits for a run to end on Temporal, through outages of Temporal itself (the long poll fails and is tried again).
 * A run not on Temporal when the deadline comes is `lost`.
 */
export async function awaitRunEnd(cluster: Cluster, runId: string, deadlineMs: number): Promise<RunEnd> {
  const deadline = Date.now() + deadlineMs;
  const handle = cluster.temporal.workflow.getHandle(runId);
  while (Date.now() < deadline) {
    try {
      await cluster.temporal.connection.withDeadline(deadline, () => handle.result());
      return 'succeeded';
    } catch (error) {
      if (error instanceof WorkflowFailedError) return 'failed';
      if (!(error instanceof WorkflowNotFoundError) && Date.now() >= deadline) break;
    }
    await pause(250);
  }
  return 'lost';
}

/** Runs of a flow that Temporal has (its visibility store, by the FlowId search attribute), once the count settles. */
export async function runsOnTemporal(cluster: Cluster, flowId: string): Promise<string[]> {
  let previous = -1;
  for (let i = 0; i < 40; i++) {
    const ids: string[] = [];
    for await (const execution of cluster.temporal.workflow.list({ query: `FlowId = "${flowId}"` })) {
      ids.push(execution.workflowId);
    }
    if (ids.length === previous) return ids;
    previous = ids.length;
    await pause(500);
  }
  throw new Error(`the number of runs of flow ${flowId} on Temporal did not settle`);
}

/** Run ids Temporal has that the runs API does not show (404): the invisible runs. */
export async function invisibleRuns(cluster: Cluster, runIds: string[]): Promise<string[]> {
  const invisible: string[] = [];
  for (const runId of runIds) {
    const answer = await cluster.api(`/api/runs/${runId}`);
    if (answer.status !== 200) invisible.push(runId);
  }
  return invisible;
}

export const pause = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Runs `total` tasks, at most `lanes` at a time. */
export async function inLanes(total: number, lanes: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < total) await task(next++);
    }),
  );
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : (sorted[Math.floor(sorted.length / 2)] ?? Number.NaN);
};

/** Status codes and how often each was answered: "202×40, 503×12". */
export function tally(statuses: number[]): string {
  const counts = new Map<number, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status === 0 ? 'no answer' : status}×${n}`)
    .join(', ');
}
