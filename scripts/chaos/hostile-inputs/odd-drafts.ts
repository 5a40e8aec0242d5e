/**
 * Mutations that leave a valid draft, yet an odd one: a cycle, an edge to a node that does not exist, an unknown step
 * type or version, hostile expressions and config values, node ids that are also Object.prototype's keys, an unknown
 * error flow, port or parent, no nodes at all.  A draft may be unfinished, so the API may store these; publishing
 * one must then refuse it with located compile errors or publish it, never fail.
 */
import { configKey, EDGE_COUNT, type Mutation, NODE_COUNT } from './documents.ts';
import { Raw } from './json-text.ts';
import { type Path, setAt, show } from './object-paths.ts';
import { below, pick } from './random.ts';
import { draftValue, expression, oddText } from './values.ts';

const cycle: Mutation = (document, random) => {
  const [source, target] = random() < 0.5 ? ['third', 'first'] : ['shape', 'shape'];
  document.edges.push({ id: 'back', source, sourcePort: 'out', target, targetPort: 'in' });
  return { what: `an edge ${source} → ${target} (a cycle)`, refuse: false };
};

const danglingEdge: Mutation = (document, random) => {
  const [source, target] = random() < 0.5 ? ['third', 'ghost'] : ['ghost', 'first'];
  document.edges.push({ id: 'dangling', source, sourcePort: 'out', target, targetPort: 'in' });
  return { what: `an edge ${source} → ${target} (no such node)`, refuse: false };
};

const unknownType: Mutation = (document, random) => {
  const type = pick(random, [
    'core.nope',
    'http.request.v2',
    '../../etc/passwd',
    '__proto__',
    'constructor',
    'toString',
  ]);
  setAt(document, ['nodes', below(random, NODE_COUNT), 'type'], type);
  return { what: `a node of type "${type}"`, refuse: false };
};

const unknownTypeVersion: Mutation = (document, random) => {
  const version = pick(random, [2, 99, 2_147_483_648, Number.MAX_SAFE_INTEGER]);
  setAt(document, ['nodes', below(random, NODE_COUNT), 'typeVersion'], version);
  return { what: `typeVersion ${version}`, refuse: false };
};

const hostileExpression: Mutation = (document, random) => {
  const value = expression(random);
  const path = pick<Path>(random, [
    ['nodes', 1, 'config', 'body'],
    ['nodes', 1, 'config', 'url'],
    ['nodes', 2, 'config', 'fields', 0, 'value'],
    ['nodes', 2, 'config', 'fields', 0, 'name'],
  ]);
  setAt(document, path, value.value);
  return { what: `document.${show(path)} is ${value.what}`, refuse: false };
};

/** A hostile value in a node config (free-form in a draft); too big for the body limit is refused by size. */
const hostileConfigValue: Mutation = (document, random) => {
  const value = draftValue(random);
  const path = configKey(random);
  setAt(document, path, value.value);
  return { what: `document.${show(path)} is ${value.what}`, refuse: false };
};

const oddTitle: Mutation = (document, random) => {
  const value = oddText(random);
  setAt(document, ['nodes', below(random, NODE_COUNT), 'title'], value.value);
  return { what: `a node title that is ${value.what}`, refuse: false };
};

/** Node ids name keys in expressions (`steps.<id>`): these are valid ids that are also Object.prototype's keys. */
const reservedNodeId: Mutation = (document, random) => {
  const node = 1 + below(random, NODE_COUNT - 1);
  const from = document.nodes[node]?.id;
  const to = pick(random, ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf']);
  setAt(document, ['nodes', node, 'id'], to);
  for (const edge of document.edges) {
    if (edge.source === from) edge.source = to;
    if (edge.target === from) edge.target = to;
  }
  return { what: `node "${from}" renamed "${to}"`, refuse: false };
};

const unknownErrorFlow: Mutation = (document, random) => {
  const id = pick(random, ['ghost', '__proto__', 'constructor']);
  setAt(document, ['settings'], { errorFlowId: id });
  return { what: `settings.errorFlowId "${id}"`, refuse: false };
};

const unknownPort: Mutation = (document, random) => {
  const port = pick(random, ['nope', '__proto__', 'error', 'constructor']);
  setAt(document, ['edges', below(random, EDGE_COUNT), pick(random, ['sourcePort', 'targetPort'])], port);
  return { what: `an edge on port "${port}"`, refuse: false };
};

const ghostParent: Mutation = (document, random) => {
  const parent = pick(random, ['ghost', 'first', '__proto__']);
  setAt(document, ['nodes', below(random, NODE_COUNT), 'parentId'], parent);
  return { what: `parentId "${parent}"`, refuse: false };
};

const emptyDocument: Mutation = (document) => {
  document.nodes = [];
  document.edges = [];
  return { what: 'no nodes at all', refuse: false };
};

const negativeZero: Mutation = (document, random) => {
  setAt(document, ['nodes', below(random, NODE_COUNT), 'position', 'x'], new Raw('-0'));
  return { what: 'a position of -0', refuse: false };
};

/** Each of these leaves a valid draft; the repeats weigh the draw. */
export const ODD_DRAFT: Mutation[] = [
  cycle,
  danglingEdge,
  unknownType,
  unknownTypeVersion,
  hostileExpression,
  hostileConfigValue,
  hostileConfigValue,
  hostileConfigValue,
  oddTitle,
  reservedNodeId,
  unknownErrorFlow,
  unknownPort,
  ghostParent,
  emptyDocument,
  negativeZero,
];
