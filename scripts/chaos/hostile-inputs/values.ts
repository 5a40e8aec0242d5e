/**
 * Hostile values: what a careless or malicious client puts where a field's value goes.  A value of the wrong JSON
 * type, JSON nested thousands of levels deep, `__proto__` / `constructor` / `prototype` keys, strings of 1–6 MB, lone
 * surrogates and invalid UTF-8, numbers JSON.parse turns into Infinity, text that is not JSON at all, and expressions
 * written to escape the sandbox or run for ever.  Each says what makes it hostile (for the report) and how deep it
 * nests, since where it is put decides whether a depth limit must refuse it.
 */
import { BAD_UTF8, Raw } from './json-text.ts';
import { CONFIG_LEVEL, DOCUMENT_DEPTH_LIMIT, MEGABYTE } from './limits.ts';
import { withKeys } from './object-paths.ts';
import { below, pick, type Random } from './random.ts';

export interface Hostile {
  value: unknown;
  /** What makes it hostile, for the report. */
  what: string;
  /** Levels of arrays/objects it nests (0: a scalar); where it is put decides whether a depth limit refuses it. */
  depth: number;
  /** Not JSON at all (NaN, 0x10, a trailing comma): a body holding it must be refused. */
  invalid?: true;
}

const JSON_KINDS = ['number', 'string', 'array', 'object', 'null', 'boolean'] as const;
export type JsonKind = (typeof JSON_KINDS)[number];
const SAMPLES: Record<JsonKind, unknown[]> = {
  number: [0, -1, 42, 1.5],
  string: ['', '42', 'x'],
  array: [[], [1, 'a']],
  object: [{}, { a: 1 }],
  null: [null],
  boolean: [true, false],
};

/** A value of any JSON type but `expected`. */
export function wrongValue(random: Random, expected: JsonKind): Hostile {
  const kind = pick(
    random,
    JSON_KINDS.filter((candidate) => candidate !== expected),
  );
  const value = pick(random, SAMPLES[kind]);
  return { value, what: `${kind} ${JSON.stringify(value)}`, depth: kind === 'array' || kind === 'object' ? 1 : 0 };
}

export function nested(levels: number, random: Random): Hostile {
  const [open, close] = random() < 0.5 ? ['[', ']'] : ['{"a":', '}'];
  return {
    value: new Raw(`${open.repeat(levels)}1${close.repeat(levels)}`),
    what: `${levels} levels deep`,
    depth: levels,
  };
}

function reservedKeys(random: Random): Hostile {
  const key = pick(random, ['__proto__', 'constructor', 'prototype']);
  const polluting = key === 'constructor' ? withKeys([['prototype', { polluted: true }]]) : { polluted: true };
  return { value: withKeys([[key, polluting]]), what: `a "${key}" key`, depth: key === 'constructor' ? 3 : 2 };
}

export function hugeString(random: Random): Hostile {
  const megabytes = pick(random, [1, 2.5, 4, 4.9, 5.5, 6]);
  return { value: 'x'.repeat(Math.round(megabytes * MEGABYTE)), what: `a ${megabytes} MB string`, depth: 0 };
}

const ODD_TEXTS = [
  '"\\ud800"',
  '"a\\udfffb"',
  '"\\udc00\\ud800"',
  `"${BAD_UTF8}"`,
  `"abc${BAD_UTF8}def"`,
  '"nul\\u0000byte"',
  '"\\u202eright-to-left"',
  '"\\ufeffbom"',
];

export function oddText(random: Random): Hostile {
  const text = pick(random, ODD_TEXTS);
  return { value: new Raw(text), what: `the string ${text.replace(BAD_UTF8, '<invalid UTF-8>')}`, depth: 0 };
}

const ODD_NUMBERS = ['1e400', '-1e400', '-0', '1e-400', '123456789012345678901234567890', '9007199254740993'];

function oddNumber(random: Random): Hostile {
  const text = pick(random, ODD_NUMBERS);
  return { value: new Raw(text), what: `the number ${text}`, depth: 0 };
}

const NOT_JSON = ['NaN', 'Infinity', '-Infinity', 'undefined', '0x10', '01', "'single'", '"unterminated', '[1,]'];

export function notJson(random: Random): Hostile {
  const text = pick(random, NOT_JSON);
  return { value: new Raw(text), what: `${text} (not JSON)`, depth: 0, invalid: true };
}

const EXPRESSIONS = [
  '{{ $eval("process.exit(1)") }}',
  '{{ constructor.constructor("return process")().exit(1) }}',
  '{{ this.constructor.constructor("while (true) {}")() }}',
  '{{ trigger.body.__proto__.polluted }}',
  '{{ trigger.constructor.prototype.polluted = 1 }}',
  `{{ ${'a.'.repeat(5_000)}b }}`,
  `{{ ${'('.repeat(2_000)}1${')'.repeat(2_000)} }}`,
  `{{ ${'1 + '.repeat(20_000)}1 }}`,
  '{{ {{ 1 }}',
  '}} {{',
  '{{',
  '{{ "unterminated }}',
  `{{ /(a+)+$/.test("${'a'.repeat(40)}!") }}`,
];

export function expression(random: Random): Hostile {
  const text = pick(random, EXPRESSIONS);
  return { value: text, what: `the expression ${text.slice(0, 60)}`, depth: 0 };
}

function mixedTypes(): Hostile {
  return { value: [1, '1', null, true, {}, [], { n: [{}] }], what: 'an array of every type', depth: 4 };
}

/** Any hostile value; the nested ones are one of `depths` levels deep. */
export function hostileValue(random: Random, depths: readonly number[]): Hostile {
  const flavour = below(random, 8);
  if (flavour === 0) return nested(pick(random, depths), random);
  if (flavour === 1) return reservedKeys(random);
  if (flavour === 2) return hugeString(random);
  if (flavour === 3) return oddText(random);
  if (flavour === 4) return oddNumber(random);
  if (flavour === 5) return notJson(random);
  if (flavour === 6) return expression(random);
  return mixedTypes();
}

/** Payload depths: some fit the 256-level body limit, some do not. */
export const PAYLOAD_DEPTHS = [3, 40, 200, 254, 255, 300, 5_000];

/** A value a draft's node config may hold: valid JSON, within the document depth limit (up to the level itself). */
export function draftValue(random: Random): Hostile {
  for (;;) {
    const value = hostileValue(random, [3, 40, DOCUMENT_DEPTH_LIMIT - CONFIG_LEVEL]);
    if (value.invalid === undefined) return value;
  }
}
