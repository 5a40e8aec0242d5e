/**
 * Sending one case: the exact bytes of its body (cluster.api only sends JSON.stringify'd bodies, and a hostile body
 * is often not that), with the drill's admin token, and its answer as status and text.  Preparing a request also
 * decides whether it is over its endpoint's size limit (the body's, or for a manual run the run input's), which makes
 * 413 the only right answer.
 */
import type { Cluster } from '../cluster.ts';
import type { HostileRequest } from './hostile-request.ts';
import { encode } from './json-text.ts';
import { API_BODY_LIMIT, RUN_INPUT_LIMIT, WEBHOOK_BODY_LIMIT } from './limits.ts';

/** How long one request may take: a step test waits up to 30 s for its run. */
const REQUEST_TIMEOUT_MS = 45_000;

export interface Prepared extends HostileRequest {
  bytes: Buffer;
  /** Over the endpoint's size limit: the answer must be 413. */
  oversize: boolean;
}

export function prepare(request: HostileRequest): Prepared {
  const bytes = request.encoded ?? encode(request.body);
  // A manual run's payload is its trigger data: the run input limit, below the API's body limit, is the one it meets.
  const limit =
    request.target === 'webhook' ? WEBHOOK_BODY_LIMIT : request.target === 'run' ? RUN_INPUT_LIMIT : API_BODY_LIMIT;
  const oversize = bytes.length > limit || request.inflatesPastLimit === true;
  return { ...request, bytes, oversize, refuse: request.refuse || oversize };
}

export interface Answer {
  /** 0 when no answer came (connection failed or timed out). */
  status: number;
  text: string;
}

/** Sends exactly these bytes (cluster.api only sends JSON.stringify'd bodies) with the drill's admin token. */
export async function send(cluster: Cluster, request: Prepared): Promise<Answer> {
  try {
    const response = await fetch(`${cluster.baseUrl}${request.path}`, {
      method: request.method,
      headers: { authorization: `Bearer ${cluster.token}`, 'content-type': request.contentType, ...request.headers },
      body: request.bytes,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    return {
      status: 0,
      text: error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error),
    };
  }
}

/** The id of what a 201 created (a flow, a credential), to tell it from what was stored before. */
export const createdId = (answer: Answer): string | undefined => {
  try {
    const id = (JSON.parse(answer.text) as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
};
