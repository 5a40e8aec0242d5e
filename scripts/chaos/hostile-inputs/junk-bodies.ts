/**
 * Bodies no endpoint can take whatever it expects, and bodies whose headers lie.  Broken JSON (a trailing comma, NaN,
 * two documents, a comment), JSON that is not an object, 5,000 levels of `[]`; a Content-Encoding the body does not
 * have, a charset JSON is never in, a gzip bomb, JSON sent as text/plain.  Every endpoint's cases send some of these.
 */
import { gzipSync } from 'node:zlib';
import { type HostileRequest, JSON_TYPE, type Target } from './hostile-request.ts';
import { MEGABYTE } from './limits.ts';
import { below, pick, type Random } from './random.ts';

/** Bodies no endpoint can take (or, for a webhook, JSON that is fine: `validJson`). */
const JUNK_BODIES: { text: string; validJson: boolean }[] = [
  { text: '{', validJson: false },
  { text: '{"a":1,}', validJson: false },
  { text: "{'a':1}", validJson: false },
  { text: '{"a":1}{"b":2}', validJson: false },
  { text: '{"a":NaN}', validJson: false },
  { text: '{"a":undefined}', validJson: false },
  { text: '{"a":0x10}', validJson: false },
  { text: '// comment\n{}', validJson: false },
  { text: '[]', validJson: true },
  { text: '"text"', validJson: true },
  { text: '42', validJson: true },
  { text: 'null', validJson: true },
  { text: `${'['.repeat(5_000)}${']'.repeat(5_000)}`, validJson: true },
];

export function junk(random: Random, target: Target, method: HostileRequest['method'], path: string): HostileRequest {
  if (random() < 0.3) return lyingHeaders(random, target, method, path);
  const body = pick(random, JUNK_BODIES);
  const deep = body.text.startsWith('[[');
  // A webhook takes any JSON (a number, null, an array) but not 5,000 levels of it; the API wants an object.
  const refuse = target !== 'webhook' || !body.validJson || deep;
  const what = `the body ${deep ? '5,000 levels of []' : JSON.stringify(body.text)}`;
  return { target, method, path, body: body.text, contentType: JSON_TYPE, what, refuse };
}

let bomb: Buffer | undefined;
/** 32 MB of spaces gzipped to some 32 KB: whoever inflates it all before checking the size limit runs out of memory. */
const gzipBomb = (): Buffer => {
  bomb ??= gzipSync(Buffer.alloc(32 * MEGABYTE, 0x20));
  return bomb;
};

/** A valid body whose headers lie: a Content-Encoding it does not have, a charset JSON is never in, a gzip bomb. */
function lyingHeaders(random: Random, target: Target, method: HostileRequest['method'], path: string): HostileRequest {
  const request = { target, method, path, body: '{"payload":{"n":1}}', contentType: JSON_TYPE, refuse: true };
  const variant = below(random, 4);
  if (variant === 0) {
    const encoding = pick(random, ['gzip', 'br', 'deflate', 'zstd']);
    return {
      ...request,
      headers: { 'content-encoding': encoding },
      what: `Content-Encoding ${encoding}, a plain body`,
    };
  }
  if (variant === 1) {
    const contentType = `application/json; charset=${pick(random, ['koi8-r', 'utf-7', 'x-nope', 'utf-32'])}`;
    // A webhook reads its body as bytes (any charset label), signatures being over the bytes.
    return { ...request, contentType, what: contentType, refuse: target !== 'webhook' };
  }
  if (variant === 2) {
    const headers = { 'content-encoding': 'gzip' };
    return { ...request, headers, encoded: gzipBomb(), inflatesPastLimit: true, what: 'a gzip bomb (32 MB inflated)' };
  }
  // The API takes JSON only (415 for anything else, so a run never starts without the payload it was sent); a
  // webhook may accept text/plain.
  return {
    ...request,
    contentType: 'text/plain',
    what: 'JSON sent as text/plain',
    refuse: target !== 'webhook',
  };
}
