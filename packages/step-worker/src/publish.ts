import { createHash } from 'node:crypto';
import type { StepPackageManifest } from '@pipewright/step-sdk';

export interface ServerTarget {
  /** e.g. `http://localhost:8080` (PIPEWRIGHT_URL). */
  url: string;
  /** An API token `pw_…` of a developer (PIPEWRIGHT_TOKEN). */
  token: string;
}

export interface PublishResult {
  name: string;
  version: string;
  taskQueue: string;
  created: boolean;
}

/** Registers the manifest with the server (`POST /api/step-packages`); throws the server's message on refusal. */
export async function publishManifest(target: ServerTarget, manifest: StepPackageManifest): Promise<PublishResult> {
  const response = await fetch(new URL('/api/step-packages', target.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(manifest),
  });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw new Error(`publish refused (${response.status}): ${errorMessage(body)}`);
  if (!isPublishResult(body)) throw new Error(`publish: unexpected answer ${JSON.stringify(body)}`);
  return body;
}

/** The task queue the server assigned to a package (it is per workspace, which the token decides). */
export async function findTaskQueue(target: ServerTarget, name: string): Promise<string> {
  const response = await fetch(new URL('/api/step-packages', target.url), {
    headers: { authorization: `Bearer ${target.token}` },
  });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw new Error(`listing packages failed (${response.status}): ${errorMessage(body)}`);
  const items: unknown = typeof body === 'object' && body !== null ? Reflect.get(body, 'items') : undefined;
  const found = Array.isArray(items) ? items.find((item: unknown) => Reflect.get(Object(item), 'name') === name) : null;
  const taskQueue: unknown = found ? Reflect.get(Object(found), 'taskQueue') : undefined;
  if (typeof taskQueue !== 'string')
    throw new Error(`package "${name}" is not published yet: run \`pipewright-step publish\``);
  return taskQueue;
}

/**
 * The version `dev` publishes: `<version>-dev.<content hash>`, so every edit that changes the manifest registers a
 * new immutable version (and becomes current), and an unchanged one re-registers as a no-op.
 */
export function devVersion(manifest: StepPackageManifest): string {
  const base = manifest.version.split('-')[0] ?? manifest.version;
  const hash = createHash('sha256')
    .update(JSON.stringify({ steps: manifest.steps, credentialTypes: manifest.credentialTypes }))
    .digest('hex');
  return `${base}-dev.${hash.slice(0, 10)}`;
}

function errorMessage(body: unknown): string {
  const error: unknown = typeof body === 'object' && body !== null ? Reflect.get(body, 'error') : undefined;
  const message: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, 'message') : undefined;
  return typeof message === 'string' ? message : JSON.stringify(body);
}

function isPublishResult(body: unknown): body is PublishResult {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof Reflect.get(body, 'name') === 'string' &&
    typeof Reflect.get(body, 'taskQueue') === 'string'
  );
}
