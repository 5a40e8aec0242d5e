/**
 * Mutations that make any flow document invalid: a wrong type or a missing field at a random path, a key the strict
 * schema does not know (`__proto__` included), duplicate or malformed ids, schema and type versions that are not
 * positive integers, infinite positions, text past a field's maximum or the body limit, 5,001 nodes, a config nested
 * past the document depth limit, and text that is not JSON.  The API must refuse each with a 4xx naming the field.
 */
import { configKey, EDGE_COUNT, type Mutation, NODE_COUNT } from './documents.ts';
import { Raw, toJson } from './json-text.ts';
import { CONFIG_LEVEL, DOCUMENT_DEPTH_LIMIT, MEGABYTE } from './limits.ts';
import { deleteAt, type Path, setAt, show } from './object-paths.ts';
import { below, pick, type Random } from './random.ts';
import { type JsonKind, nested, notJson, wrongValue } from './values.ts';

function typedField(random: Random): { path: Path; kind: JsonKind } {
  const node = ['nodes', below(random, NODE_COUNT)];
  const edge = ['edges', below(random, EDGE_COUNT)];
  return pick(random, [
    { path: ['schemaVersion'], kind: 'number' },
    { path: ['nodes'], kind: 'array' },
    { path: ['edges'], kind: 'array' },
    { path: ['settings'], kind: 'object' },
    { path: node, kind: 'object' },
    { path: [...node, 'id'], kind: 'string' },
    { path: [...node, 'type'], kind: 'string' },
    { path: [...node, 'typeVersion'], kind: 'number' },
    { path: [...node, 'position'], kind: 'object' },
    { path: [...node, 'position', 'x'], kind: 'number' },
    { path: [...node, 'config'], kind: 'object' },
    { path: [...node, 'title'], kind: 'string' },
    { path: [...node, 'settings'], kind: 'object' },
    { path: [...node, 'parentId'], kind: 'string' },
    { path: edge, kind: 'object' },
    { path: [...edge, 'id'], kind: 'string' },
    { path: [...edge, 'source'], kind: 'string' },
    { path: [...edge, 'target'], kind: 'string' },
    { path: [...edge, 'sourcePort'], kind: 'string' },
  ] satisfies { path: Path; kind: JsonKind }[]);
}

const wrongType: Mutation = (document, random) => {
  const { path, kind } = typedField(random);
  const wrong = wrongValue(random, kind);
  setAt(document, path, wrong.value);
  return { what: `document.${show(path)} is ${wrong.what}`, refuse: true };
};

const missingField: Mutation = (document, random) => {
  const node = ['nodes', below(random, NODE_COUNT)];
  const edge = ['edges', below(random, EDGE_COUNT)];
  const path = pick<Path>(random, [
    ['schemaVersion'],
    ['nodes'],
    ['edges'],
    [...node, 'id'],
    [...node, 'type'],
    [...node, 'typeVersion'],
    [...node, 'position'],
    [...node, 'position', 'y'],
    [...node, 'config'],
    [...edge, 'id'],
    [...edge, 'source'],
    [...edge, 'target'],
  ]);
  deleteAt(document, path);
  return { what: `document.${show(path)} is missing`, refuse: true };
};

/** Documents are strict: a key the schema does not know, `__proto__` included, is refused. */
const unknownKey: Mutation = (document, random) => {
  const path = pick<Path>(random, [
    [],
    ['nodes', below(random, NODE_COUNT)],
    ['edges', below(random, EDGE_COUNT)],
    ['nodes', below(random, NODE_COUNT), 'position'],
    ['nodes', below(random, NODE_COUNT), 'settings'],
    ['settings'],
  ]);
  const key = pick(random, ['extra', '$where', '__proto__', 'constructor', 'prototype', 'toString']);
  setAt(document, [...path, key], { polluted: true });
  return { what: `unknown key document.${show([...path, key])}`, refuse: true };
};

const duplicateId: Mutation = (document, random) => {
  const [from, to] = [below(random, NODE_COUNT - 1), NODE_COUNT - 1];
  if (random() < 0.5) {
    setAt(document, ['nodes', to, 'id'], document.nodes[from]?.id);
    return { what: `node ${to} has the id of node ${from}`, refuse: true };
  }
  setAt(document, ['edges', EDGE_COUNT - 1, 'id'], document.edges[0]?.id);
  return { what: 'two edges have the same id', refuse: true };
};

const badNodeId: Mutation = (document, random) => {
  const id = pick(random, ['1abc', 'a-b', 'a b', '', 'x'.repeat(65), 'naïve', 'a.b', '$x', 'steps.x']);
  setAt(document, ['nodes', below(random, NODE_COUNT), 'id'], id);
  return { what: `a node id ${JSON.stringify(id.slice(0, 20))}`, refuse: true };
};

const badVersionNumber: Mutation = (document, random) => {
  if (random() < 0.3) {
    const value = pick(random, [2, 0, '1', new Raw('1e400')]);
    setAt(document, ['schemaVersion'], value);
    return { what: `schemaVersion ${toJson(value)}`, refuse: true };
  }
  const value = pick(random, [0, -1, 1.5, '1', new Raw('1e400'), new Raw('-0')]);
  setAt(document, ['nodes', below(random, NODE_COUNT), 'typeVersion'], value);
  return { what: `typeVersion ${toJson(value)}`, refuse: true };
};

const infinitePosition: Mutation = (document, random) => {
  const text = pick(random, ['1e400', '-1e400']);
  setAt(document, ['nodes', below(random, NODE_COUNT), 'position', pick(random, ['x', 'y'])], new Raw(text));
  return { what: `a position of ${text}`, refuse: true };
};

/** Over each field's own maximum (ids 64, types and titles 200 characters), up to past the body limit. */
const oversizeText: Mutation = (document, random) => {
  const node = ['nodes', below(random, NODE_COUNT)];
  const edge = ['edges', below(random, EDGE_COUNT)];
  const path = pick<Path>(random, [
    [...node, 'id'],
    [...node, 'type'],
    [...node, 'title'],
    [...edge, 'id'],
    [...edge, 'sourcePort'],
    ['settings', 'errorFlowId'],
  ]);
  const length = pick(random, [201, 100_000, 2 * MEGABYTE, 6 * MEGABYTE]);
  setAt(document, path, 'x'.repeat(length));
  return { what: `document.${show(path)} of ${length} characters`, refuse: true };
};

const tooManyNodes: Mutation = (document) => {
  const template = document.nodes[1];
  if (template === undefined) throw new Error('the valid document has no node 1');
  document.nodes = Array.from({ length: 5_001 }, (_, index) => ({ ...template, id: `n${index}` }));
  document.edges = [];
  return { what: '5,001 nodes', refuse: true };
};

const tooDeepConfig: Mutation = (document, random) => {
  const value = nested(pick(random, [DOCUMENT_DEPTH_LIMIT - CONFIG_LEVEL + 1, 200, 300, 5_000]), random);
  const path = configKey(random);
  setAt(document, path, value.value);
  return { what: `document.${show(path)} ${value.what}`, refuse: true };
};

const notJsonInConfig: Mutation = (document, random) => {
  const value = notJson(random);
  const path = configKey(random);
  setAt(document, path, value.value);
  return { what: `document.${show(path)} is ${value.what}`, refuse: true };
};

/** Each of these makes any flow document invalid; the repeats weigh the draw. */
export const INVALID_DOCUMENT: Mutation[] = [
  wrongType,
  wrongType,
  wrongType,
  missingField,
  missingField,
  unknownKey,
  unknownKey,
  duplicateId,
  badNodeId,
  badVersionNumber,
  infinitePosition,
  oversizeText,
  tooManyNodes,
  tooDeepConfig,
  notJsonInConfig,
];
