import { toManifest } from '@pipewright/step-sdk';
import { builtinSteps } from '@pipewright/steps-core';
import type { CatalogLookup, CompileOptions } from './compile-options.ts';

/** Builders for compiler tests: small documents over the built-in step catalog. */
const manifests = new Map(builtinSteps.map(toManifest).map((manifest) => [manifest.type, manifest]));
export const catalog: CatalogLookup = { get: (type) => manifests.get(type) };
export const options: CompileOptions = { flowId: 'flow_1', version: 3, defaultTaskQueue: 'pipewright-steps' };

export interface TestNode {
  id: string;
  type: string;
  typeVersion: number;
  position: { x: number; y: number };
  config: Record<string, unknown>;
  title?: string;
  settings?: Record<string, unknown>;
}

export const node = (
  id: string,
  type: string,
  config: Record<string, unknown> = {},
  extra: Partial<TestNode> = {},
): TestNode => ({
  id,
  type,
  typeVersion: 1,
  position: { x: 0, y: 0 },
  config,
  ...extra,
});
export const webhook = (id = 'hook') => node(id, 'core.webhook');
export const transform = (id: string, value: unknown = 'x') =>
  node(id, 'core.transform', { fields: [{ name: 'out', value }] });
export const http = (id: string, config: Record<string, unknown> = { url: 'https://api.example.com/items' }) =>
  node(id, 'http.request', config);
export const edge = (source: string, target: string, id = `${source}_${target}`) => ({ id, source, target });
export const flow = (nodes: TestNode[], edges: { id: string; source: string; target: string }[] = []) => ({
  schemaVersion: 1,
  nodes,
  edges,
});
