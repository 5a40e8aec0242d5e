import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type JsonChunkOptions, JsonChunkParser, parseJsonChunks } from './json-chunks.ts';

/** A small seeded generator, so a failure names the seed that reproduces it. */
function random(seed: number) {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T,
  };
}
type Random = ReturnType<typeof random>;

const STRINGS = [
  '',
  'a',
  'quote " and \\ backslash',
  '[not, {structure}]',
  'é€😀',
  'lone \ud800',
  'line\nbreak',
  ',',
  '"',
];
const KEYS = ['a', 'b', '__proto__', 'constructor', '0', '10', 'key "q"', 'x', 'a'];

function value(r: Random, depth: number): unknown {
  const kind = depth > 5 ? r.int(4) : r.int(7);
  if (kind === 0) return r.pick(STRINGS).repeat(1 + r.int(3));
  if (kind === 1) return r.pick([0, -1, 1.5, 1e21, -2.5e-7, 123456789]);
  if (kind === 2) return r.pick([true, false]);
  if (kind === 3) return null;
  if (kind === 4 || kind === 5) return Array.from({ length: r.int(8) }, () => value(r, depth + 1));
  const entries = Array.from(
    { length: r.int(6) },
    () => `${JSON.stringify(r.pick(KEYS))}:${text(r, value(r, depth + 1))}`,
  );
  return { raw: `{${entries.join(',')}}` };
}

/** JSON text for a generated value, with random whitespace; objects are written raw so duplicate keys survive. */
function text(r: Random, v: unknown): string {
  const ws = () => r.pick(['', '', ' ', '\n ', '\t', '\r\n']);
  if (Array.isArray(v)) return `[${ws()}${v.map((item) => `${ws()}${text(r, item)}${ws()}`).join(',')}${ws()}]`;
  if (typeof v === 'object' && v !== null && 'raw' in v) return (v as { raw: string }).raw;
  return `${ws()}${JSON.stringify(v)}${ws()}`;
}

function chunked(r: Random, source: string): string[] {
  const chunks: string[] = [];
  for (let at = 0; at < source.length; ) {
    const size = 1 + r.int(r.next() < 0.5 ? 4 : 40);
    chunks.push(source.slice(at, at + size));
    at += size;
  }
  return chunks;
}

function parse(chunks: string[], options?: JsonChunkOptions): unknown {
  const parser = new JsonChunkParser(options);
  for (const chunk of chunks) parser.write(chunk);
  return parser.end();
}

/** Equal as JSON.parse makes it: same own keys in the same order, same prototypes, no prototype replaced. */
function assertSame(actual: unknown, expected: unknown, where: string): void {
  assert.deepStrictEqual(actual, expected, where);
  assert.equal(JSON.stringify(actual), JSON.stringify(expected), where);
  const walk = (a: unknown, b: unknown) => {
    if (typeof a !== 'object' || a === null) return;
    assert.equal(Object.getPrototypeOf(a), Object.getPrototypeOf(b), `${where}: prototype`);
    assert.deepEqual(Object.keys(a), Object.keys(b as object), `${where}: key order`);
    for (const key of Object.keys(a)) {
      walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]);
    }
  };
  walk(actual, expected);
}

// Tiny thresholds open containers and cut batches everywhere in small documents.
const SETTINGS: JsonChunkOptions[] = [
  {},
  { openAt: 8, batchChars: 4 },
  { openAt: 30, batchChars: 1 },
  { openAt: 1, batchChars: 1, maxOpenDepth: 3 },
];

test('parses what JSON.parse parses, to the same value, however the text is cut', () => {
  for (let seed = 1; seed <= 600; seed++) {
    const r = random(seed);
    const source = text(r, value(r, 0));
    const expected = JSON.parse(source);
    for (const options of SETTINGS) {
      assertSame(parse(chunked(r, source), options), expected, `seed ${seed}, ${JSON.stringify(options)}: ${source}`);
    }
  }
});

test('refuses what JSON.parse refuses, with a SyntaxError', () => {
  const damage = (r: Random, source: string) => {
    const at = r.int(source.length + 1);
    const kind = r.int(3);
    if (kind === 0) return source.slice(0, at) + source.slice(at + 1);
    if (kind === 1)
      return source.slice(0, at) + r.pick([',', ']', '}', '[', '{', '"', ':', 'x', '\\']) + source.slice(at);
    return source.slice(0, at);
  };
  let refused = 0;
  for (let seed = 1; seed <= 1500; seed++) {
    const r = random(seed);
    const source = damage(r, text(r, value(r, 0)));
    let valid = true;
    try {
      JSON.parse(source);
    } catch {
      valid = false;
    }
    for (const options of SETTINGS) {
      const where = `seed ${seed}, ${JSON.stringify(options)}: ${source}`;
      if (valid) assertSame(parse(chunked(r, source), options), JSON.parse(source), where);
      else assert.throws(() => parse(chunked(r, source), options), SyntaxError, where);
    }
    if (!valid) refused++;
  }
  assert.ok(refused > 700, `${refused} of 1500 damaged texts were invalid`);
});

test('the classic invalid texts are refused', () => {
  for (const source of [
    '',
    ' ',
    '[',
    '[1,]',
    '[,1]',
    '{"a":1,}',
    '{"a" 1}',
    '[1}',
    '{"a":[1]]',
    '1 2',
    '[1] x',
    '"open',
    ',',
    '[1,,2]',
    '{"a":1 "b":2}',
    '[]]',
  ]) {
    for (const options of SETTINGS) {
      assert.throws(() => parse([...source], options), SyntaxError, `${source} ${JSON.stringify(options)}`);
    }
  }
});

test('__proto__ in the data is an own property, as with JSON.parse: no prototype is replaced', () => {
  const source = `{"__proto__":{"admin":true},"list":[{"__proto__":[1,2,3]}],"big":{"__proto__":{"polluted":"${'x'.repeat(100)}"}}}`;
  for (const options of SETTINGS) {
    const parsed = parse(chunked(random(7), source), options) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value, { admin: true });
    assert.equal(({} as Record<string, unknown>).admin, undefined);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assertSame(parsed, JSON.parse(source), JSON.stringify(options));
  }
});

test('a large document is built member by member: the text held at once stays near the thresholds', () => {
  const rows = Array.from({ length: 3_000 }, (_, i) => ({ id: i, label: `row ${i}`.padEnd(1_000, '.') }));
  const source = JSON.stringify({ meta: { count: rows.length }, items: rows });
  const expected = JSON.parse(source);
  const parser = new JsonChunkParser({ openAt: 64 * 1024, batchChars: 16 * 1024 });
  // The largest text JSON.parse is handed: it would be the whole 3 MB document without the cuts.
  const original = JSON.parse;
  let largest = 0;
  JSON.parse = (textToParse: string, ...rest: []) => {
    largest = Math.max(largest, textToParse.length);
    return original(textToParse, ...rest);
  };
  try {
    for (let at = 0; at < source.length; at += 8_192) parser.write(source.slice(at, at + 8_192));
    assertSame(parser.end(), expected, 'rows');
  } finally {
    JSON.parse = original;
  }
  assert.ok(source.length > 3_000_000);
  assert.ok(largest < 64 * 1024 + 8 * 1024, `largest text parsed at once: ${largest}`);
});

test('a hostile nesting is bounded: past maxOpenDepth a member is parsed whole', async () => {
  const depth = 1_500;
  const source = `${'['.repeat(depth)}1${']'.repeat(depth)}`;
  async function* chunks() {
    for (let at = 0; at < source.length; at += 100) yield source.slice(at, at + 100);
  }
  const parsed = await parseJsonChunks(chunks(), { openAt: 10, batchChars: 10, maxOpenDepth: 64 });
  // (deepStrictEqual itself recurses too deep for this value)
  assert.equal(JSON.stringify(parsed), source);
});

test('errors name the position in the whole text', () => {
  const source = `{"items":[${'1,'.repeat(100)}2}`;
  assert.throws(() => parse(chunked(random(3), source), { openAt: 16, batchChars: 8 }), /position 211/);
});
