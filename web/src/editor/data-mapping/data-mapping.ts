import { evaluateDeep, evaluateTemplate } from '@pipewright/expression';
import type { FlowDocument } from '@pipewright/flow';
import type { StepManifest } from '@pipewright/step-sdk';

/**
 * Pure helpers behind the data mapper: which nodes feed a node, which paths an expression can use there (from step
 * output schemas and sample outputs), where the caret is inside `{{ … }}`, and a preview of a template's value.
 */

export interface PathSuggestion {
  /** The expression path, e.g. `steps.fetch.body.id`. */
  path: string;
  /** The node whose output it reads (absent for `input`/`run`). */
  nodeId?: string;
  /** A JSON type name when known (from the schema or the sample value). */
  type?: string;
  source: 'schema' | 'sample' | 'both';
}

export interface MappingSources {
  doc: FlowDocument;
  nodeId: string;
  manifests: ReadonlyMap<string, Pick<StepManifest, 'kind' | 'outputSchema'>>;
  /** Sample output per node id: pinned samples first, else the watched run's outputs. */
  samples: Readonly<Record<string, unknown>>;
}

const MAX_DEPTH = 5;
const MAX_PATHS = 400;

/** Transitive predecessors of `nodeId` along edges, nearest first (breadth-first). */
export function upstreamNodeIds(doc: FlowDocument, nodeId: string): string[] {
  const incoming = new Map<string, string[]>();
  for (const edge of doc.edges) incoming.set(edge.target, [...(incoming.get(edge.target) ?? []), edge.source]);
  const seen = new Set<string>([nodeId]);
  const order: string[] = [];
  let frontier = [nodeId];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const source of incoming.get(id) ?? []) {
        if (seen.has(source)) continue;
        seen.add(source);
        order.push(source);
        next.push(source);
      }
    }
    frontier = next;
  }
  return order;
}

/** Direct predecessors, in edge order (what `input` holds at run time). */
export function directUpstreamIds(doc: FlowDocument, nodeId: string): string[] {
  return [...new Set(doc.edges.filter((edge) => edge.target === nodeId).map((edge) => edge.source))];
}

export function triggerNodeId(
  doc: FlowDocument,
  manifests: ReadonlyMap<string, Pick<StepManifest, 'kind'>>,
): string | undefined {
  return doc.nodes.find((node) => manifests.get(node.type)?.kind === 'trigger')?.id;
}

/** Sample data shaped like the run-time expression context: `{ trigger, steps, input, run }`. */
export function buildSampleContext(sources: MappingSources): Record<string, unknown> {
  const { doc, nodeId, manifests, samples } = sources;
  const triggerId = triggerNodeId(doc, manifests);
  const steps: Record<string, unknown> = {};
  for (const id of upstreamNodeIds(doc, nodeId)) if (samples[id] !== undefined) steps[id] = samples[id];
  if (triggerId !== undefined && samples[triggerId] !== undefined) steps[triggerId] = samples[triggerId];
  const direct = directUpstreamIds(doc, nodeId).map((id) => samples[id] ?? null);
  return {
    trigger: triggerId === undefined ? null : (samples[triggerId] ?? null),
    steps,
    input: direct.length === 1 ? direct[0] : direct.length === 0 ? null : direct,
    run: { id: 'run_sample', flowId: 'sample', version: 0 },
  };
}

/** Every path an expression in `nodeId` can read, from upstream output schemas and sample outputs. */
export function suggestPaths(sources: MappingSources): PathSuggestion[] {
  const { doc, nodeId, manifests, samples } = sources;
  const byPath = new Map<string, PathSuggestion>();
  const add = (entry: PathSuggestion) => {
    if (byPath.size >= MAX_PATHS) return;
    const existing = byPath.get(entry.path);
    if (!existing) byPath.set(entry.path, entry);
    else if (existing.source !== entry.source) {
      byPath.set(entry.path, {
        ...existing,
        source: 'both',
        ...(existing.type ? {} : entry.type ? { type: entry.type } : {}),
      });
    }
  };
  const addNode = (root: string, id: string) => {
    const node = doc.nodes.find((candidate) => candidate.id === id);
    const schema = node ? manifests.get(node.type)?.outputSchema : undefined;
    add({ path: root, nodeId: id, type: 'object', source: 'schema' });
    if (schema) for (const entry of schemaPaths(schema, root)) add({ ...entry, nodeId: id, source: 'schema' });
    if (samples[id] !== undefined)
      for (const entry of samplePaths(samples[id], root)) add({ ...entry, nodeId: id, source: 'sample' });
  };
  const triggerId = triggerNodeId(doc, manifests);
  const upstream = upstreamNodeIds(doc, nodeId);
  if (triggerId !== undefined && upstream.includes(triggerId)) addNode('trigger', triggerId);
  const direct = directUpstreamIds(doc, nodeId);
  const [only] = direct;
  if (direct.length === 1 && only !== undefined) addNode('input', only);
  for (const id of upstream) addNode(`steps.${id}`, id);
  for (const key of ['id', 'flowId', 'version']) add({ path: `run.${key}`, source: 'schema' });
  return [...byPath.values()];
}

function schemaPaths(schema: unknown, prefix: string, depth = 0): { path: string; type?: string }[] {
  if (depth >= MAX_DEPTH || !isRecord(schema)) return [];
  const out: { path: string; type?: string }[] = [];
  const properties = isRecord(schema.properties) ? schema.properties : {};
  for (const [key, child] of Object.entries(properties)) {
    const path = joinPath(prefix, key);
    const type = isRecord(child) && typeof child.type === 'string' ? child.type : undefined;
    out.push(type === undefined ? { path } : { path, type });
    out.push(...schemaPaths(child, path, depth + 1));
  }
  if (isRecord(schema.items)) out.push(...schemaPaths(schema.items, `${prefix}[0]`, depth + 1));
  return out;
}

function samplePaths(value: unknown, prefix: string, depth = 0): { path: string; type: string }[] {
  if (depth >= MAX_DEPTH) return [];
  if (Array.isArray(value)) {
    return value.length > 0
      ? [{ path: `${prefix}[0]`, type: typeName(value[0]) }, ...samplePaths(value[0], `${prefix}[0]`, depth + 1)]
      : [];
  }
  if (!isRecord(value)) return [];
  const out: { path: string; type: string }[] = [];
  for (const [key, child] of Object.entries(value)) {
    const path = joinPath(prefix, key);
    out.push({ path, type: typeName(child) });
    out.push(...samplePaths(child, path, depth + 1));
  }
  return out;
}

/** JSONata needs backticks around keys that are not plain identifiers (`headers.\`content-type\``). */
function joinPath(prefix: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${prefix}.${key}` : `${prefix}.\`${key}\``;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** The path being typed at the caret when it sits inside an open `{{ … }}`: replace [start, end) on accept. */
export interface CaretToken {
  start: number;
  end: number;
  prefix: string;
}

const PATH_CHAR = /[A-Za-z0-9_$.`[\]-]/;

export function tokenAtCaret(text: string, caret: number): CaretToken | null {
  const before = text.slice(0, caret);
  const open = before.lastIndexOf('{{');
  if (open === -1 || before.indexOf('}}', open) !== -1) return null;
  let start = caret;
  while (start > open + 2 && PATH_CHAR.test(text.charAt(start - 1))) start -= 1;
  let end = caret;
  while (end < text.length && PATH_CHAR.test(text.charAt(end))) end += 1;
  return { start, end, prefix: text.slice(start, caret) };
}

/** Suggestions for the typed prefix: paths that extend it, shortest first (what is one step deeper comes first). */
export function filterSuggestions(all: readonly PathSuggestion[], prefix: string, limit = 12): PathSuggestion[] {
  const needle = prefix.toLowerCase();
  return all
    .filter((entry) => entry.path.toLowerCase().startsWith(needle) && entry.path !== prefix)
    .sort((a, b) => depthOf(a.path) - depthOf(b.path) || a.path.localeCompare(b.path))
    .slice(0, limit);
}

const depthOf = (path: string) => path.split(/\.|\[/).length;

/** Replaces the token with the chosen path; closes the expression when no `}}` follows.  Returns text and caret. */
export function acceptSuggestion(text: string, token: CaretToken, path: string): { text: string; caret: number } {
  const rest = text.slice(token.end);
  const closes = /^\s*}}/.test(rest) || (rest.includes('}}') && !rest.slice(0, rest.indexOf('}}')).includes('{{'));
  const suffix = closes ? '' : ' }}';
  return { text: `${text.slice(0, token.start)}${path}${suffix}${rest}`, caret: token.start + path.length };
}

/**
 * Inserts a dragged field at the drop caret: `{{ path }}` in plain text, just the path when dropped inside an
 * expression.  Returns the new text and the caret after the insertion.
 */
export function insertFieldAt(text: string, caret: number, path: string): { text: string; caret: number } {
  const at = Math.max(0, Math.min(caret, text.length));
  const insideExpression = tokenAtCaret(text, at) !== null;
  const insertion = insideExpression ? path : `{{ ${path} }}`;
  return { text: `${text.slice(0, at)}${insertion}${text.slice(at)}`, caret: at + insertion.length };
}

export type PreviewResult = { ok: true; value: unknown; text: string } | { ok: false; error: string };

/** Evaluates a template against sample data, as the runtime would; errors become messages, never throws. */
export async function previewTemplate(
  template: string,
  context: Record<string, unknown>,
  maxLength = 200,
): Promise<PreviewResult> {
  try {
    const value = await evaluateTemplate(template, context);
    return { ok: true, value, text: truncate(formatValue(value), maxLength) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return JSON.stringify(value) ?? 'undefined';
}

export function truncate(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}

/** Sample output per node: a pinned sample wins over the watched run's output (only succeeded nodes count). */
export function mergeSamples(
  runNodes: Readonly<Record<string, { status: string; output?: unknown }>>,
  pinned: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const samples: Record<string, unknown> = {};
  for (const [id, view] of Object.entries(runNodes)) {
    if (view.status === 'succeeded' && view.output !== undefined) samples[id] = view.output;
  }
  return { ...samples, ...pinned };
}

/** Preview of a stored config value: a template string, or a JSON value whose strings may hold templates. */
export async function previewValue(
  value: unknown,
  context: Record<string, unknown>,
  maxLength = 200,
): Promise<PreviewResult> {
  if (typeof value === 'string') return previewTemplate(value, context, maxLength);
  try {
    const evaluated = await evaluateDeep(value, context);
    return { ok: true, value: evaluated, text: truncate(formatValue(evaluated), maxLength) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
