import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REDACTED, scrubSecrets } from './scrub-secrets.ts';
import { MIN_ENCODED_SECRET_LENGTH } from './scrub-secrets-forms.ts';

const SECRET = 'p@ss w/rd&1+ü';

describe('scrubSecrets', () => {
  const cases: { name: string; value: unknown; secrets: string[]; expected: unknown }[] = [
    { name: 'a whole string', value: 'hunter2', secrets: ['hunter2'], expected: '[redacted]' },
    {
      name: 'every occurrence inside a string',
      value: 'login bob:hunter2 failed (hunter2)',
      secrets: ['hunter2'],
      expected: 'login bob:[redacted] failed ([redacted])',
    },
    {
      name: 'deep in objects and arrays',
      value: { a: [{ b: 'x hunter2 y' }, 'ok', 3, null, true], c: { d: { e: 'pw=s3cr3t' } } },
      secrets: ['hunter2', 's3cr3t'],
      expected: { a: [{ b: 'x [redacted] y' }, 'ok', 3, null, true], c: { d: { e: 'pw=[redacted]' } } },
    },
    {
      name: 'object keys',
      value: { 'token-abc123': 1 },
      secrets: ['abc123'],
      expected: { 'token-[redacted]': 1 },
    },
    {
      name: 'a longer secret that contains a shorter one, whole',
      value: 'key=abcdef',
      secrets: ['abc', 'abcdef'],
      expected: 'key=[redacted]',
    },
    {
      name: 'secrets with regular-expression characters, literally',
      value: 'p@ss.(w)*rd+ and pXss',
      secrets: ['p@ss.(w)*rd+'],
      expected: '[redacted] and pXss',
    },
    {
      name: 'every secret in one pass: [redacted] is not rewritten by a secret found in it',
      value: 'hunter2 and dact',
      secrets: ['hunter2', 'dact'],
      expected: '[redacted] and [redacted]',
    },
    { name: 'nothing when no secret is given', value: { a: 'x' }, secrets: [], expected: { a: 'x' } },
    { name: 'nothing for an empty secret', value: 'abc', secrets: [''], expected: 'abc' },

    // Numbers: a JSON output carries a numeric secret as a number.
    {
      name: 'a number equal to a numeric secret',
      value: { account: 12345678, count: 3 },
      secrets: ['12345678'],
      expected: { account: REDACTED, count: 3 },
    },
    {
      name: 'a number written differently from the secret (leading zeros, trailing decimals, sign, exponent)',
      value: [12345678, 1234567.5, -987654, 1e21],
      secrets: ['0012345678', '1234567.50', '-987654', '1000000000000000000000'],
      expected: [REDACTED, REDACTED, REDACTED, REDACTED],
    },
    {
      name: 'the digits of a secret inside a longer number',
      value: [9123456789, 12345678.25],
      secrets: ['12345678'],
      expected: [`9${REDACTED}9`, `${REDACTED}.25`],
    },
    {
      name: 'a bigint that holds a numeric secret',
      value: { id: 99123456789012345678n },
      secrets: ['123456789012345678'],
      expected: { id: `99${REDACTED}` },
    },
    {
      name: 'numbers with a secret shorter than the minimum left alone (its text still replaced)',
      value: [1234, 12345, false, 'pin 12345'],
      secrets: ['1234', '12345'],
      expected: [1234, 12345, false, `pin ${REDACTED}`],
    },

    // Percent-encoded (URLs, form bodies).
    {
      name: 'encodeURIComponent',
      value: `?pw=${encodeURIComponent(SECRET)}`,
      secrets: [SECRET],
      expected: `?pw=${REDACTED}`,
    },
    {
      name: 'form encoding (URLSearchParams: space as +)',
      value: new URLSearchParams({ user: 'bob', pw: SECRET }).toString(),
      secrets: [SECRET],
      expected: `user=bob&pw=${REDACTED}`,
    },
    {
      name: 'encodeURI (a path keeps @ / & +)',
      value: `/login/${encodeURI(SECRET)}/x`,
      secrets: [SECRET],
      expected: `/login/${REDACTED}/x`,
    },
    {
      name: 'lowercase percent hex, and unreserved characters escaped too',
      value: 'pw=p%40ss%20w%2frd%261%2b%c3%bc; t=%74oken%2D%2E%5F%7E',
      secrets: [SECRET, 'token-._~'],
      expected: 'pw=[redacted]; t=%74oken%2D%2E%5F%7E',
    },
    {
      name: 'a % in the secret as %25, whole',
      value: `q=${encodeURIComponent('rate-50%')}&n=1`,
      secrets: ['rate-50%'],
      expected: `q=${REDACTED}&n=1`,
    },
    {
      name: 'letters and digits percent-encoded are not looked for (no encoder does that)',
      value: '%74oken-._~ token%2D%2E%5F%7E',
      secrets: ['token-._~'],
      expected: `%74oken-._~ ${REDACTED}`,
    },
    {
      name: 'JSON-escaped inside a JSON text',
      value: JSON.stringify({ pw: 'say "hi"\\now' }),
      secrets: ['say "hi"\\now'],
      expected: `{"pw":"${REDACTED}"}`,
    },

    // Hex.
    { name: 'hex, lowercase', value: `bytes ${hex(SECRET)}`, secrets: [SECRET], expected: `bytes ${REDACTED}` },
    {
      name: 'hex, uppercase',
      value: `bytes ${hex(SECRET).toUpperCase()}`,
      secrets: [SECRET],
      expected: `bytes ${REDACTED}`,
    },

    // Base64.
    { name: 'base64 of the secret', value: base64(SECRET), secrets: [SECRET], expected: REDACTED },
    {
      name: 'base64 without padding, URL-safe alphabet',
      value: `token=${base64url('sk_live_????>>>')}`,
      secrets: ['sk_live_????>>>'],
      expected: `token=${REDACTED}`,
    },
    {
      name: 'base64 URL-safe with padding',
      value: base64(SECRET).replaceAll('+', '-').replaceAll('/', '_'),
      secrets: [SECRET],
      expected: REDACTED,
    },
    // "bob:" is 4 bytes, so the secret starts at offset 1 of a base64 group: "Ym9iO" encodes "bob" and 6 bits of ":",
    // "n" the last 2 bits of ":" and the first 4 of the secret.
    {
      name: 'base64 of a Basic auth user:password',
      value: `Basic ${base64(`bob:${SECRET}`)}`,
      secrets: [SECRET],
      expected: `Basic Ym9iOn${REDACTED}`,
    },
    {
      name: 'base64 of a longer text with the secret in the middle (a character shared with each neighbour stays)',
      value: base64(`{"user":"bob","pw":"${SECRET}","ok":true}`),
      secrets: [SECRET],
      expected: `eyJ1c2VyIjoiYm9iIiwicHciOiJ${REDACTED}CIsIm9rIjp0cnVlfQ==`,
    },
    {
      name: 'encodings of a secret shorter than the minimum left alone',
      value: [base64('abc12'), hex('abc12'), encodeURIComponent('a&c12')],
      secrets: ['abc12', 'a&c12'],
      expected: [base64('abc12'), hex('abc12'), encodeURIComponent('a&c12')],
    },
  ];
  for (const { name, value, secrets, expected } of cases) {
    it(`replaces ${name}`, () => {
      assert.deepEqual(scrubSecrets(value, secrets), expected);
    });
  }

  it('returns a copy and leaves the input unchanged', () => {
    const input = { message: 'token xyz', list: ['xyz'] };
    const output = scrubSecrets(input, ['xyz']);
    assert.deepEqual(input, { message: 'token xyz', list: ['xyz'] });
    assert.deepEqual(output, { message: 'token [redacted]', list: ['[redacted]'] });
  });

  it('survives cycles', () => {
    const node: Record<string, unknown> = { name: 'pw-1' };
    node.self = node;
    const output = scrubSecrets(node, ['pw-1']);
    assert.equal(output.name, '[redacted]');
    assert.equal(output.self, output);
  });

  // Random secrets between random neighbours, in every encoding: what stays visible is the neighbours' encoding only
  // (and, for base64, the characters a neighbour shares with the secret).
  it('finds random secrets at any offset in every encoding', () => {
    const random = seededRandom(23);
    const pick = (alphabet: string[]) => alphabet[Math.floor(random() * alphabet.length)] ?? '';
    const secretAlphabet = [...'abcXYZ-_.~!*()@/ &+=%?#"\\é€😀'];
    const neighbourAlphabet = [...'0123456789'];
    const text = (alphabet: string[], min: number, max: number) =>
      Array.from({ length: min + Math.floor(random() * (max - min + 1)) }, () => pick(alphabet)).join('');
    const encodings: [string, (text: string) => string][] = [
      ['encodeURIComponent', encodeURIComponent],
      ['form', (value) => new URLSearchParams({ v: value }).toString().slice(2)],
      ['hex', hex],
    ];
    const base64Encodings: [string, (text: string) => string][] = [
      ['base64', base64],
      ['base64url', base64url],
    ];
    for (let round = 0; round < 300; round++) {
      const secret = text(secretAlphabet, MIN_ENCODED_SECRET_LENGTH, 30);
      const before = text(neighbourAlphabet, 0, 5);
      const after = text(neighbourAlphabet, 0, 5);
      const whole = `${before}${secret}${after}`;
      for (const [name, encode] of encodings) {
        assert.equal(
          scrubSecrets(encode(whole), [secret]),
          `${encode(before)}${REDACTED}${encode(after)}`,
          `${name} of ${JSON.stringify(whole)}`,
        );
      }
      for (const [name, encode] of base64Encodings) {
        const scrubbed = scrubSecrets(encode(whole), [secret]);
        const visible = scrubbed.replace(REDACTED, '');
        const neighbours = Math.ceil((utf8Length(before) * 4) / 3) + Math.ceil((utf8Length(after) * 4) / 3);
        assert.ok(scrubbed.includes(REDACTED), `${name} of ${JSON.stringify(whole)}: ${scrubbed}`);
        // Besides the neighbours: one character of 4 secret bits and the padding, at most.
        assert.ok(visible.length <= neighbours + 3, `${name} of ${JSON.stringify(whole)}: ${scrubbed}`);
      }
    }
  });
});

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

function hex(text: string): string {
  return [...new TextEncoder().encode(text)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

function base64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

function base64url(text: string): string {
  return base64(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** mulberry32: the same sequence on every run, so a failure reproduces. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
