import { CORE_TRANSFORM_TYPE } from '@pipewright/control-steps';
import { type FlowDocument, flowDocumentSchema } from '@pipewright/flow';
import type { z } from 'zod';
import { UntranslatableError } from './js-expression.ts';
import { type N8nNode, parseN8nWorkflow } from './n8n-workflow.ts';
import { createNodeContext } from './node-context.ts';
import type { NodeTranslation, NodeTranslator, OutputShape } from './node-translation.ts';
import { ifTranslator, switchTranslator } from './nodes/branches.ts';
import { codeTranslator } from './nodes/code.ts';
import { mergeTranslator, waitTranslator } from './nodes/flow-control.ts';
import { httpRequestTranslator } from './nodes/http-request.ts';
import { setTranslator } from './nodes/set.ts';
import { manualTranslator, scheduleTranslator, webhookTranslator } from './nodes/triggers.ts';
import type { ImportProblem } from './report.ts';
import { type ExpressionScope, type ItemView, joinPath, own, type PathSegment } from './to-jsonata.ts';

/** The n8n node types the import translates, by n8n type id. */
export const SUPPORTED_N8N_TYPES: Readonly<Record<string, NodeTranslator>> = {
  'n8n-nodes-base.webhook': webhookTranslator,
  'n8n-nodes-base.manualTrigger': manualTranslator,
  'n8n-nodes-base.scheduleTrigger': scheduleTranslator,
  'n8n-nodes-base.set': setTranslator,
  'n8n-nodes-base.if': ifTranslator,
  'n8n-nodes-base.switch': switchTranslator,
  'n8n-nodes-base.merge': mergeTranslator,
  'n8n-nodes-base.httpRequest': httpRequestTranslator,
  'n8n-nodes-base.code': codeTranslator,
  'n8n-nodes-base.wait': waitTranslator,
};

/** n8n nodes that are only drawing aids: left out, and said so. */
const NOTE_TYPES = new Set(['n8n-nodes-base.stickyNote']);

/** n8n lays nodes out ~200 px apart; Pipewright's nodes are wider. */
const X_SCALE = 1.3;

export interface N8nImportResult {
  /** The flow's name: the n8n workflow's, unless none. */
  name: string;
  document: FlowDocument;
  /** Every node, connection or expression that was not translated, or only approximately. */
  report: ImportProblem[];
}

interface Planned {
  node: N8nNode;
  id: string;
  translator: NodeTranslator | undefined;
  shape: OutputShape;
  /** The n8n nodes feeding its main input, in connection order. */
  upstream: string[];
  /** Its source port per n8n output index, once translated. */
  ports?: string[];
}

type DocumentInput = z.input<typeof flowDocumentSchema>;
type NodeInput = DocumentInput['nodes'][number];
type EdgeInput = DocumentInput['edges'][number];

/**
 * Translates an n8n 1.x workflow export into a Pipewright flow document and a report of what was not translated.
 * Throws `N8nWorkflowError` (with located issues) when the input is not an n8n workflow it can read.
 *
 * @example
 * const { document, report } = importN8nWorkflow(JSON.parse(exportedText));
 * // report: [{ node: 'Fetch order', field: 'url', problem: 'expression {{ $now… }} not translated: …' }]
 */
export function importN8nWorkflow(input: unknown): N8nImportResult {
  const workflow = parseN8nWorkflow(input);
  const report: ImportProblem[] = [];
  const planned = new Map<string, Planned>();
  const usedIds = new Set<string>();
  let trigger: string | undefined;

  const included = workflow.nodes.filter((node) => {
    if (NOTE_TYPES.has(node.type)) {
      report.push({ node: node.name, problem: 'sticky notes are not imported' });
      return false;
    }
    const translator = own(SUPPORTED_N8N_TYPES, node.type);
    const isTrigger = translator?.isTrigger ?? /trigger$/i.test(node.type);
    if (!isTrigger) return true;
    if (trigger === undefined) {
      trigger = node.name;
      return true;
    }
    report.push({
      node: node.name,
      problem: `a Pipewright flow has one trigger ("${trigger}" was kept): this trigger and its connections are left out`,
    });
    return false;
  });

  for (const node of included) {
    const translator = own(SUPPORTED_N8N_TYPES, node.type);
    const id = uniqueId(node.name, usedIds);
    const shape: OutputShape = translator ? translator.shape(node.parameters) : { kind: 'passThrough' };
    planned.set(node.name, { node, id, translator, shape, upstream: [] });
  }
  const connections = collectConnections(workflow.connections, planned, report);
  for (const connection of connections) planned.get(connection.target)?.upstream.push(connection.source);

  const viewOf = (name: string, seen: Set<string> = new Set()): { base: string; map: Mapper; direct: boolean } => {
    const entry = planned.get(name);
    if (!entry) throw new UntranslatableError(`the node "${name}" is not in the imported flow`);
    if (seen.has(name)) throw new UntranslatableError(`"${name}" reads its own output`);
    seen.add(name);
    const base = name === trigger ? 'trigger' : `steps.${entry.id}`;
    if (entry.shape.kind === 'map') return { base, map: entry.shape.map, direct: true };
    const [upstream] = entry.upstream;
    if (upstream === undefined) throw new UntranslatableError(`"${name}" has no input to read`);
    const before = viewOf(upstream, seen);
    return entry.shape.kind === 'passThrough' ? { base, map: before.map, direct: true } : { ...before, direct: false };
  };
  const toView =
    (base: string, map: Mapper): ItemView =>
    (path) =>
      joinPath(base, map(path));

  const nodes: NodeInput[] = [];
  for (const entry of planned.values()) {
    const scope: ExpressionScope = {
      current() {
        const [upstream] = entry.upstream;
        if (upstream === undefined) throw new UntranslatableError('$json needs an input, and this node has none');
        if (entry.upstream.length > 1 && entry.translator !== mergeTranslator) {
          throw new UntranslatableError('$json is ambiguous: this node has several inputs');
        }
        const view = viewOf(upstream);
        return toView(view.direct && entry.upstream.length === 1 ? 'input' : view.base, view.map);
      },
      node(name) {
        const view = viewOf(name);
        return toView(view.base, view.map);
      },
    };
    const context = createNodeContext({
      node: entry.node,
      scope,
      timezone: workflow.settings?.timezone,
      problems: report,
    });
    const translation = entry.translator ? entry.translator.translate(context) : placeholder(entry.node, report);
    if (entry.node.credentials !== undefined && Object.keys(entry.node.credentials).length > 0) {
      context.report(
        `credentials (${Object.keys(entry.node.credentials).join(', ')}) are never imported: pick a Pipewright credential`,
        'credentials',
      );
    }
    if (entry.node.disabled === true) context.report('the node was disabled in n8n; it is imported enabled');
    entry.ports = translation.ports;
    nodes.push(toFlowNode(entry, translation));
  }

  const edges: EdgeInput[] = [];
  for (const connection of connections) {
    const source = planned.get(connection.source);
    const target = planned.get(connection.target);
    if (!source || !target) continue;
    const port = source.ports?.[connection.output];
    if (port === undefined) {
      report.push({
        node: connection.source,
        problem: `output ${connection.output} has no Pipewright counterpart: its connection to "${connection.target}" is left out`,
      });
      continue;
    }
    edges.push({
      id: `e${edges.length + 1}`,
      source: source.id,
      sourcePort: port,
      target: target.id,
      targetPort: 'in',
    });
  }
  if (trigger === undefined) {
    report.push({
      node: workflow.name ?? 'workflow',
      problem: 'the workflow has no trigger: add one before publishing',
    });
  }
  const document = flowDocumentSchema.parse({ schemaVersion: 1, nodes, edges });
  return { name: workflow.name?.trim() || 'Imported from n8n', document, report };
}

type Mapper = (path: PathSegment[]) => PathSegment[];

interface Connection {
  source: string;
  output: number;
  target: string;
  /** n8n's input index on the target (Merge: input 1, input 2). */
  input: number;
}

/** The main connections between imported nodes, ordered by target input (so Merge inputs keep n8n's order). */
function collectConnections(
  connections: Record<string, Record<string, ({ node: string; type: string; index: number }[] | null)[]>>,
  planned: Map<string, Planned>,
  report: ImportProblem[],
): Connection[] {
  const result: Connection[] = [];
  for (const [source, byType] of Object.entries(connections)) {
    for (const [type, outputs] of Object.entries(byType)) {
      if (type !== 'main') {
        report.push({ node: source, problem: `"${type}" connections (AI sub-nodes) are not imported` });
        continue;
      }
      outputs.forEach((targets, output) => {
        for (const target of targets ?? []) {
          if (!planned.has(source) || !planned.has(target.node)) continue;
          result.push({ source, output, target: target.node, input: target.index });
        }
      });
    }
  }
  return result.sort((a, b) => a.input - b.input);
}

/** An unsupported node: a Transform that passes its input on, named after the n8n node, so the graph stays whole. */
function placeholder(node: N8nNode, report: ImportProblem[]): NodeTranslation {
  const isTrigger = /trigger$/i.test(node.type);
  report.push({
    node: node.name,
    problem: isTrigger
      ? `node type ${node.type} is not supported: a Manual trigger stands in for it`
      : `node type ${node.type} is not supported: a pass-through Transform stands in for it; rebuild what it did`,
  });
  if (isTrigger) return { type: 'core.manual', config: {}, ports: ['out'] };
  return { type: CORE_TRANSFORM_TYPE, config: { fields: [], keepInput: true, remove: [] }, ports: ['out'] };
}

function toFlowNode(entry: Planned, translation: NodeTranslation): NodeInput {
  const [x, y] = entry.node.position;
  return {
    id: entry.id,
    type: translation.type,
    typeVersion: 1,
    title: entry.node.name,
    position: { x: Math.round(x * X_SCALE), y: Math.round(y) },
    config: translation.config,
    ...(translation.settings === undefined ? {} : { settings: translation.settings }),
  };
}

/** A node id from its n8n name: `Fetch order` → `fetch_order`, unique within the flow. */
function uniqueId(name: string, used: Set<string>): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 56);
  const base = /^[a-z_]/.test(slug) ? slug : `n_${slug}`;
  let id = base === 'n_' ? 'node' : base;
  for (let n = 2; used.has(id); n += 1) id = `${base}_${n}`;
  used.add(id);
  return id;
}
