import type { NodeSettings } from '@pipewright/flow';
import type { NodeContext } from './node-context.ts';
import type { PathSegment } from './to-jsonata.ts';

/**
 * How an n8n node's item JSON maps onto its Pipewright output:
 * - `map`: the output is the node's own; `map` turns an n8n JSON path into the Pipewright path (or throws
 *   `UntranslatableError` when that data has no counterpart);
 * - `passThrough`: the Pipewright output is the node's input, shaped like its upstream node's (If, Switch);
 * - `upstream`: the Pipewright output is not the data n8n passes on (Wait): references go to the upstream node.
 */
export type OutputShape =
  | { kind: 'map'; map: (path: PathSegment[]) => PathSegment[] }
  | { kind: 'passThrough' }
  | { kind: 'upstream' };

export const IDENTITY: OutputShape = { kind: 'map', map: (path) => path };

/** The Pipewright node an n8n node becomes. */
export interface NodeTranslation {
  type: string;
  config: Record<string, unknown>;
  settings?: NodeSettings;
  /** The source port of each n8n output index; a missing entry drops that output's connections (reported). */
  ports: string[];
}

/** A supported n8n node type: its trigger-ness and output shape (known before any expression is translated). */
export interface NodeTranslator {
  isTrigger: boolean;
  shape(parameters: Record<string, unknown>): OutputShape;
  translate(context: NodeContext): NodeTranslation;
}

/** A parameter value as a plain object, or an empty one. */
export const recordOf = (value: unknown): Record<string, unknown> => (isRecord(value) ? value : {});

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A parameter value as a list, or an empty one. */
export const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export const textOf = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);
