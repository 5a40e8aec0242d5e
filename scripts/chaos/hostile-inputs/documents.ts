/**
 * The flow document the hostile documents start from, and what changing it looks like.  Every case takes a fresh
 * copy of the drill's valid five-step flow and applies one mutation to it: those of invalid-documents.ts make any
 * document invalid (the API must refuse it), those of odd-drafts.ts leave a valid but odd draft (the API may store
 * it, and publishing it must then answer located compile errors or publish it, never fail).
 */
import { fiveStepFlow } from '../target.ts';
import type { Hostility } from './hostile-request.ts';
import type { Path } from './object-paths.ts';
import { below, pick, type Random } from './random.ts';

/** Nothing listens there: runs of the drill's flow fail fast instead of reaching out. */
const UNREACHABLE = 'http://127.0.0.1:9/x';

type FlowDocument = ReturnType<typeof fiveStepFlow>;

export const validDocument = (): FlowDocument => fiveStepFlow(UNREACHABLE);
export const NODE_COUNT = 5;
export const EDGE_COUNT = 4;

/** Changes the document in place; says what it did and whether the document must now be refused. */
export type Mutation = (document: FlowDocument, random: Random) => Hostility;

/** A key of some node's config: ones the steps know, one they do not, and reserved ones. */
export const configKey = (random: Random): Path => [
  'nodes',
  below(random, NODE_COUNT),
  'config',
  pick(random, ['body', 'url', 'method', 'fields', 'extra', '__proto__', 'constructor']),
];

export function mutateDocument(document: FlowDocument, random: Random, mutations: Mutation[]): Hostility {
  const mutation = pick(random, mutations);
  return mutation(document, random);
}
