/**
 * Hostile requests to the flow editor's endpoints: creating a flow (POST /api/flows), saving the drill's flow (PUT
 * /api/flows/:id) and testing one of its steps (POST /api/flows/:id/nodes/:nodeId/test).  Their bodies carry a flow
 * document or a step's config, so most cases are a document mutation or a hostile config value; the rest are a
 * hostile name, revision or key, or junk.
 */
import { mutateDocument, validDocument } from './documents.ts';
import {
  extraKey,
  type HostileRequest,
  type Hostility,
  hostileName,
  JSON_TYPE,
  replaceField,
  type Stage,
} from './hostile-request.ts';
import { INVALID_DOCUMENT } from './invalid-documents.ts';
import { Raw, toJson } from './json-text.ts';
import { junk } from './junk-bodies.ts';
import { BODY_DEPTH_LIMIT } from './limits.ts';
import { setOwn } from './object-paths.ts';
import { ODD_DRAFT } from './odd-drafts.ts';
import { pick, type Random } from './random.ts';
import { hostileValue, wrongValue } from './values.ts';

/** POST /api/flows: any document mutation, or a hostile name, document or key. */
export function createCase(random: Random): HostileRequest {
  const path = '/api/flows';
  if (random() < 0.08) return junk(random, 'create', 'POST', path);
  const document = validDocument();
  const body: Record<string, unknown> = { name: 'hostile draft', document };
  const roll = random();
  const hostility =
    roll < 0.7
      ? mutateDocument(document, random, random() < 0.5 ? INVALID_DOCUMENT : ODD_DRAFT)
      : roll < 0.85
        ? replaceField(body, 'name', hostileName(random))
        : roll < 0.93
          ? replaceField(body, 'document', wrongValue(random, 'object'))
          : extraKey(body, random);
  return { target: 'create', method: 'POST', path, body: toJson(body), contentType: JSON_TYPE, ...hostility };
}

/** PUT /api/flows/:id of the drill's flow: only input that must be refused, so the stored draft must not change. */
export function updateCase(random: Random, stage: Stage): HostileRequest {
  const path = `/api/flows/${stage.flowId}`;
  if (random() < 0.08) return junk(random, 'update', 'PUT', path);
  const document = validDocument();
  const body: Record<string, unknown> = { document, revision: stage.revision };
  const roll = random();
  const hostility =
    roll < 0.65
      ? mutateDocument(document, random, INVALID_DOCUMENT)
      : roll < 0.75
        ? replaceField(body, 'name', hostileName(random))
        : roll < 0.85
          ? hostileRevision(body, random)
          : roll < 0.93
            ? replaceField(body, 'document', wrongValue(random, 'object'))
            : extraKey(body, random);
  return { target: 'update', method: 'PUT', path, body: toJson(body), contentType: JSON_TYPE, ...hostility };
}

function hostileRevision(body: Record<string, unknown>, random: Random): Hostility {
  if (random() < 0.2) {
    delete body.revision;
    return { what: 'no revision', refuse: true };
  }
  const value = pick(random, ['0', null, -1, 1.5, new Raw('1e400'), new Raw('1e21'), [0], { n: 0 }]);
  body.revision = value;
  return { what: `revision ${toJson(value)}`, refuse: true };
}

const TESTED_NODES = ['first', 'shape'];

/** POST /api/flows/:id/nodes/:nodeId/test: a hostile node id in the path, or a hostile config to test with. */
export function stepTestCase(random: Random, stage: Stage): HostileRequest {
  const oddNode = random() < 0.2;
  const nodeId = oddNode
    ? pick(random, ['webhook', 'ghost', '%ZZ', '__proto__', 'constructor', 'x'.repeat(3_000)])
    : pick(random, TESTED_NODES);
  const path = `/api/flows/${stage.flowId}/nodes/${nodeId}/test`;
  if (random() < 0.1) return junk(random, 'step-test', 'POST', path);
  const node = validDocument().nodes.find((candidate) => candidate.id === nodeId);
  const input: Record<string, unknown> = { ...(node?.config ?? { method: 'POST' }) };
  const body: Record<string, unknown> = { input };
  const roll = random();
  const hostility =
    roll < 0.15
      ? replaceField(body, 'input', wrongValue(random, 'object'))
      : roll < 0.2
        ? extraKey(body, random)
        : hostileInput(input, random);
  const refuse = hostility.refuse || oddNode;
  const what = `${oddNode ? `node "${nodeId.slice(0, 20)}", ` : ''}${hostility.what}`;
  return { target: 'step-test', method: 'POST', path, body: toJson(body), contentType: JSON_TYPE, what, refuse };
}

/** The step's own input schema judges the config; a config it takes runs (and fails: nothing listens). */
function hostileInput(input: Record<string, unknown>, random: Random): Hostility {
  const key = pick(random, [...Object.keys(input), '__proto__', 'constructor', 'extra']);
  if (random() < 0.3 && Object.hasOwn(input, key)) {
    delete input[key];
    return { what: `input.${key} is missing`, refuse: false };
  }
  const value = random() < 0.4 ? wrongValue(random, 'string') : hostileValue(random, [3, 40, 253, 300, 5_000]);
  setOwn(input, key, value.value);
  // body → input → the key's value: the value's own levels start at level 3.
  const refuse = value.invalid === true || 2 + value.depth > BODY_DEPTH_LIMIT;
  return { what: `input.${key} is ${value.what}`, refuse };
}
