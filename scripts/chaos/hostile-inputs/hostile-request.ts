/**
 * What a case is: one request to one endpoint, with what makes it hostile and whether the API must refuse it.  Also
 * the drill's stage (the published flow and author a valid body refers to) and the body-field changes every endpoint's
 * cases share: a hostile name, a key the strict body does not know, a field replaced by a hostile value.
 */
import { Raw } from './json-text.ts';
import { setOwn } from './object-paths.ts';
import { below, pick, type Random } from './random.ts';
import { type Hostile, hugeString, wrongValue } from './values.ts';

export type Target = 'create' | 'update' | 'run' | 'webhook' | 'credential' | 'step-test' | 'member' | 'publish';

/** The drill's published flow, its author, and what a valid body needs. */
export interface Stage {
  flowId: string;
  hookPath: string;
  /** The flow's draft revision: updates send it, so a refusal is about the document, not a stale revision. */
  revision: number;
  userId: string;
  credentialType: string;
}

export interface Hostility {
  what: string;
  /** The input is not valid: the API must answer 4xx. */
  refuse: boolean;
}

export interface HostileRequest extends Hostility {
  target: Target;
  method: 'POST' | 'PUT' | 'PATCH';
  path: string;
  body: string;
  contentType: string;
  /** Headers besides authorization and content-type (a Content-Encoding the body does not have). */
  headers?: Record<string, string>;
  /** The body as sent, when it is not the UTF-8 of `body` (a gzip bomb). */
  encoded?: Buffer;
  /** Small on the wire but past the size limit once inflated: the answer must be 413 as well. */
  inflatesPastLimit?: true;
}

export const JSON_TYPE = 'application/json';

export function hostileName(random: Random): Hostile {
  const roll = below(random, 3);
  if (roll === 0) return wrongValue(random, 'string');
  if (roll === 1) return hugeString(random);
  const text = pick(random, [
    '""',
    '"   "',
    `"${'x'.repeat(201)}"`,
    '"\\ud800"',
    '"a\\u0000b"',
    '"a\\u0085b"',
    '"\\t"',
  ]);
  return { value: new Raw(text), what: `the name ${text.slice(0, 30)}`, depth: 0 };
}

/** A key the strict body does not know: `__proto__`, `constructor`, `prototype`, or a plain one. */
export function extraKey(body: Record<string, unknown>, random: Random): Hostility {
  const key = pick(random, ['__proto__', 'constructor', 'prototype', 'extra']);
  setOwn(body, key, { polluted: true });
  return { what: `an unknown body key "${key}"`, refuse: true };
}

export function replaceField(body: Record<string, unknown>, key: string, value: Hostile): Hostility {
  setOwn(body, key, value.value);
  return { what: `${key} is ${value.what}`, refuse: true };
}
