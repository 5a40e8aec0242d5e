import { FLOW_FILE_FORMAT, FLOW_FILE_VERSION, type FlowFile } from '@pipewright/api-contract';
import { canonicalJson } from '@pipewright/compiler';
import type { FlowDocument, FlowNode } from '@pipewright/flow';

/**
 * Where a node names its credentials: `config.credentials = { <slot>: <credential id> }` (the editor's credential
 * picker writes it, the worker's `takeCredentialRefs` reads it); an undo step's `config` has the same key.  Ids of
 * one workspace mean nothing in another and must not leave it, so a flow file never carries them.
 */
export const CREDENTIALS_CONFIG_KEY = 'credentials';

/** One removed credential reference: which node, where (`credentials.<slot>` or `settings.undo.credentials.<slot>`). */
export interface RemovedCredential {
  node: string;
  field: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The config without its credential references, and the fields they were in (`prefix.<slot>`, or `prefix`). */
function splitCredentials(
  config: Record<string, unknown>,
  prefix: string,
): { config: Record<string, unknown>; removed: string[] } {
  if (!Object.hasOwn(config, CREDENTIALS_CONFIG_KEY)) return { config, removed: [] };
  const { [CREDENTIALS_CONFIG_KEY]: refs, ...rest } = config;
  const slots = isRecord(refs) ? Object.keys(refs) : [];
  return { config: rest, removed: slots.length > 0 ? slots.map((slot) => `${prefix}.${slot}`) : [prefix] };
}

/**
 * The document with every credential reference removed (node configs and undo steps), and what was removed.
 * Everything else is kept as it is, node and edge ids included.
 */
export function withoutCredentials(document: FlowDocument): { document: FlowDocument; removed: RemovedCredential[] } {
  const removed: RemovedCredential[] = [];
  const nodes = document.nodes.map((node): FlowNode => {
    const own = splitCredentials(node.config, 'credentials');
    for (const field of own.removed) removed.push({ node: node.id, field });
    const undo = node.settings?.undo;
    if (!undo || !node.settings) return own.removed.length > 0 ? { ...node, config: own.config } : node;
    const undone = splitCredentials(undo.config, 'settings.undo.credentials');
    for (const field of undone.removed) removed.push({ node: node.id, field });
    return { ...node, config: own.config, settings: { ...node.settings, undo: { ...undo, config: undone.config } } };
  });
  return { document: { ...document, nodes }, removed };
}

/**
 * The flow file's text: sorted keys at every level (`canonicalJson`), so an unchanged flow always exports to the same
 * bytes.  `savedAt` is when the document was last saved (the draft's `updatedAt`, the version's `createdAt`).
 */
export function serializeFlowFile(input: {
  name: string;
  document: FlowDocument;
  savedAt: Date;
  version?: number;
}): string {
  const file: FlowFile = {
    format: FLOW_FILE_FORMAT,
    formatVersion: FLOW_FILE_VERSION,
    name: input.name,
    exportedAt: input.savedAt.toISOString(),
    ...(input.version === undefined ? {} : { version: input.version }),
    document: withoutCredentials(input.document).document,
  };
  return `${canonicalJson(file)}\n`;
}

/** `<flow name>.pipewright.json`, without characters file systems refuse. */
export function flowFileName(name: string): string {
  const safe = name
    .replace(/[\\/:*?"<>|\p{Cc}]/gu, '-')
    .replace(/^[\s.]+|[\s.]+$/g, '')
    .slice(0, 150);
  return `${safe || 'flow'}.pipewright.json`;
}
