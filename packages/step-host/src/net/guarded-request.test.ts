import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { isStepError } from '@pipewright/step-sdk';
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  type GuardedRequest,
  guardedRequest,
  parseMaxResponseBytes,
  type ResolveHost,
} from './guarded-request.ts';

interface TestServer {
  server: Server;
  port: number;
  seen: { path: string; host: string; authorization?: string }[];
}

async function listen(
  host: string,
  name: string,
  handle?: (request: IncomingMessage, response: ServerResponse) => boolean,
  port = 0,
): Promise<TestServer> {
  const seen: TestServer['seen'] = [];
  const server = createServer((request, response) => {
    seen.push({
      path: request.url ?? '',
      host: request.headers.host ?? '',
      ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
    });
    if (handle?.(request, response)) return;
    response.setHeader('content-type', 'text/plain');
    response.end(`hello from ${name}`);
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

let a: TestServer;
let b: TestServer;
before(async () => {
  a = await listen('127.0.0.1', 'A', (request, response) => {
    const hops = /^\/hops\/(\d+)$/.exec(request.url ?? '');
    if (hops?.[1]) {
      const left = Number(hops[1]);
      response.writeHead(302, { location: left > 0 ? `/hops/${left - 1}` : '/final' }).end();
      return true;
    }
    const to = new URL(request.url ?? '', 'http://x').searchParams.get('to');
    if (request.url?.startsWith('/redirect') && to) {
      response.writeHead(302, { location: to }).end();
      return true;
    }
    return false;
  });
  // Same port on another loopback address: where a rebinding DNS answer would point.
  b = await listen('127.0.0.2', 'B', undefined, a.port);
});
after(() => {
  a.server.close();
  b.server.close();
});

const blockedBy = (address: string) => (error: unknown) => {
  assert.ok(isStepError(error), String(error));
  assert.equal(error.retryable, false);
  assert.match(error.message, new RegExp(`^Blocked request to ${address.replace(/[.[\]]/g, '\\$&')} `));
  return true;
};

const call = (url: string, options: Partial<GuardedRequest> = {}) =>
  guardedRequest({
    method: 'GET',
    url,
    headers: {},
    signal: AbortSignal.timeout(5000),
    policy: { allowPrivate: false },
    ...options,
  });

describe('guardedRequest: addresses', () => {
  test('private networks are blocked by default, with a message that says who can allow them', async () => {
    const before = a.seen.length;
    await assert.rejects(call(`http://127.0.0.1:${a.port}/`), (error: unknown) => {
      assert.ok(isStepError(error));
      assert.equal(
        error.message,
        'Blocked request to 127.0.0.1 (loopback) — an admin can allow private networks on the credential used by this node',
      );
      return true;
    });
    assert.equal(a.seen.length, before, 'nothing reached the server');
  });

  test('decimal, hex and octal IPv4 forms and IPv6 literals are checked after normalisation', async () => {
    for (const url of [
      `http://2130706433:${a.port}/`,
      `http://0x7f.1:${a.port}/`,
      `http://0177.0.0.1:${a.port}/`,
      `http://[::ffff:127.0.0.1]:${a.port}/`,
      `http://[::1]:${a.port}/`,
    ]) {
      await assert.rejects(
        call(url),
        (error: unknown) => isStepError(error) && /^Blocked request to /.test(error.message),
        url,
      );
    }
  });

  test('a host with any private address among public ones is blocked', async () => {
    const resolve: ResolveHost = async () => [
      { address: '8.8.8.8', family: 4 },
      { address: '10.0.0.5', family: 4 },
    ];
    await assert.rejects(call('http://mixed.example/', { resolve }), blockedBy('10.0.0.5'));
  });

  test('cloud metadata stays blocked when private networks are allowed', async () => {
    const policy = { allowPrivate: true };
    await assert.rejects(call('http://169.254.169.254/latest/meta-data/', { policy }), blockedBy('169.254.169.254'));
    await assert.rejects(call('http://[fd00:ec2::254]/', { policy }), blockedBy('fd00:ec2::254'));
    const resolve: ResolveHost = async () => [{ address: '169.254.169.254', family: 4 }];
    // A name that says nothing (metadata names are refused by name: metadata-hosts.test.ts) is refused by address.
    await assert.rejects(call('http://innocent.example/', { policy, resolve }), blockedBy('169.254.169.254'));
  });

  test('unspecified and multicast addresses are blocked whatever the allowance', async () => {
    const policy = { allowPrivate: true, allowMetadata: true };
    await assert.rejects(call(`http://0.0.0.0:${a.port}/`, { policy }), blockedBy('0.0.0.0'));
    await assert.rejects(call('http://224.0.0.1/', { policy }), blockedBy('224.0.0.1'));
  });

  test('private networks allowed: the request goes through with the host name as Host header', async () => {
    const resolve: ResolveHost = async () => [{ address: '127.0.0.1', family: 4 }];
    const response = await call(`http://intranet.test:${a.port}/hi`, { policy: { allowPrivate: true }, resolve });
    assert.equal(response.status, 200);
    assert.equal(response.body, 'hello from A');
    assert.equal(a.seen.at(-1)?.host, `intranet.test:${a.port}`);
  });
});

describe('guardedRequest: pinning', () => {
  test('connects to the address it checked; a second DNS answer (rebinding) is never used', async () => {
    let calls = 0;
    const resolve: ResolveHost = async () => {
      calls++;
      return [{ address: calls === 1 ? '127.0.0.1' : '127.0.0.2', family: 4 }];
    };
    const before = b.seen.length;
    const response = await call(`http://rebind.test:${a.port}/`, { policy: { allowPrivate: true }, resolve });
    assert.equal(response.body, 'hello from A');
    assert.equal(calls, 1, 'resolved once per hop');
    assert.equal(b.seen.length, before, 'the rebound address got nothing');
  });

  test('a public first answer then 127.0.0.1: the loopback server never sees the request', async () => {
    let calls = 0;
    const resolve: ResolveHost = async () => {
      calls++;
      return [{ address: calls === 1 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
    };
    const before = a.seen.length;
    // The sandbox may have no route out: whatever happens to 93.184.216.34, it must not become 127.0.0.1.
    const outcome = await call(`http://rebind.test:${a.port}/`, { resolve, signal: AbortSignal.timeout(1500) }).then(
      (response) => response.body,
      (error: unknown) => String(error),
    );
    assert.doesNotMatch(outcome, /hello from A/);
    assert.equal(calls, 1);
    assert.equal(a.seen.length, before);
  });
});

describe('guardedRequest: redirects', () => {
  const listed = { allowPrivate: true, allowedHosts: ['api.internal.test'] };
  const resolve: ResolveHost = async () => [{ address: '127.0.0.1', family: 4 }];

  test('each hop is re-checked: a redirect from an allowed host to http://127.0.0.1/ is refused', async () => {
    const before = a.seen.length;
    const to = encodeURIComponent(`http://127.0.0.1:${a.port}/secret`);
    await assert.rejects(
      call(`http://api.internal.test:${a.port}/redirect?to=${to}`, { policy: listed, resolve }),
      blockedBy('127.0.0.1'),
    );
    assert.equal(a.seen.length, before + 1, 'only the first hop reached a server');
  });

  test('a redirect to cloud metadata is refused even with private networks allowed', async () => {
    const to = encodeURIComponent('http://169.254.169.254/latest/meta-data/iam/');
    await assert.rejects(
      call(`http://127.0.0.1:${a.port}/redirect?to=${to}`, { policy: { allowPrivate: true } }),
      blockedBy('169.254.169.254'),
    );
  });

  test('redirects are followed up to 5 times, drop credentials across origins, and stop after that', async () => {
    const ok = await call(`http://api.internal.test:${a.port}/hops/4`, { policy: listed, resolve });
    assert.equal(ok.status, 200);
    assert.equal(a.seen.at(-1)?.path, '/final');
    await assert.rejects(
      call(`http://api.internal.test:${a.port}/hops/5`, { policy: listed, resolve }),
      /more than 5 redirects/,
    );
    const to = encodeURIComponent(`http://127.0.0.1:${a.port}/elsewhere`);
    await call(`http://127.0.0.1:${a.port}/redirect?to=${to}`, {
      policy: { allowPrivate: true },
      headers: { authorization: 'Bearer same-origin-keeps' },
    });
    assert.equal(a.seen.at(-1)?.authorization, 'Bearer same-origin-keeps');
    const cross = encodeURIComponent(`http://localhost.test:${a.port}/elsewhere`);
    await call(`http://127.0.0.1:${a.port}/redirect?to=${cross}`, {
      policy: { allowPrivate: true },
      resolve,
      headers: { authorization: 'Bearer must-not-leave' },
    });
    assert.equal(a.seen.at(-1)?.path, '/elsewhere');
    assert.equal(a.seen.at(-1)?.authorization, undefined);
  });
});

describe('guardedRequest: response size', () => {
  let big: TestServer;
  const body = `${'é'.repeat(100_000)}😀`; // 200,004 bytes, 2- and 4-byte characters split across chunks
  before(async () => {
    big = await listen('127.0.0.1', 'big', (request, response) => {
      if (request.url === '/declared') {
        response.writeHead(200, { 'content-length': String(Buffer.byteLength(body)) }).end(body);
      } else if (request.url === '/streamed') {
        // No content-length: the limit is found while reading.
        response.writeHead(200, { 'content-type': 'text/plain' });
        const bytes = Buffer.from(body);
        for (let at = 0; at < bytes.length; at += 999) response.write(bytes.subarray(at, at + 999));
        response.end();
      } else if (request.url === '/gzip-bomb') {
        response.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(10_000_000)));
      } else return false;
      return true;
    });
  });
  after(() => big.server.close());
  const get = (path: string, maxResponseBytes?: number) =>
    call(`http://127.0.0.1:${big.port}${path}`, {
      policy: { allowPrivate: true },
      ...(maxResponseBytes === undefined ? {} : { maxResponseBytes }),
    });
  const tooLarge = (error: unknown) => {
    assert.ok(isStepError(error), String(error));
    assert.equal(error.retryable, false);
    assert.match(error.message, /larger than 100000 bytes, .*PIPEWRIGHT_HTTP_MAX_RESPONSE_BYTES/);
    return true;
  };

  test('a body within the limit is read whole, characters split across chunks intact', async () => {
    assert.equal((await get('/streamed')).body, body);
    assert.equal((await get('/declared', 200_004)).body, body);
    // A HEAD answer declares the body's length but sends none: nothing is read, nothing is too large.
    const head = await call(`http://127.0.0.1:${big.port}/declared`, {
      method: 'HEAD',
      policy: { allowPrivate: true },
      maxResponseBytes: 100_000,
    });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  });
  test('a larger body fails the step, whether its length is declared, streamed or hidden by compression', async () => {
    await assert.rejects(get('/declared', 100_000), tooLarge);
    await assert.rejects(get('/streamed', 100_000), tooLarge);
    await assert.rejects(get('/gzip-bomb', 100_000), tooLarge);
  });
  test('the limit is a positive whole number of bytes, 128 MB unless set', () => {
    assert.equal(parseMaxResponseBytes(undefined), DEFAULT_MAX_RESPONSE_BYTES);
    assert.equal(DEFAULT_MAX_RESPONSE_BYTES, 128 * 1024 * 1024);
    assert.equal(parseMaxResponseBytes('1048576'), 1_048_576);
    for (const bad of ['0', '-1', '1.5', 'lots']) {
      assert.throws(() => parseMaxResponseBytes(bad), /PIPEWRIGHT_HTTP_MAX_RESPONSE_BYTES: ".*" is not a positive/);
    }
  });
});

describe('guardedRequest: JSON bodies parsed as they arrive', () => {
  let api: TestServer;
  const rows = Array.from({ length: 3_000 }, (_, i) => ({
    id: i,
    label: `row ${i} é😀`.padEnd(500, '.'),
    __proto__: null,
  }));
  const document = JSON.stringify({ rows, ['__proto__']: { admin: true } });
  const invalidLarge = `[${'1,'.repeat(700_000)}oops]`;
  before(async () => {
    api = await listen('127.0.0.1', 'api', (request, response) => {
      const send = (headers: Record<string, string>, payload: string | Buffer) => {
        response.writeHead(200, headers);
        // Small writes: characters and members split across chunks.
        const bytes = Buffer.from(payload);
        for (let at = 0; at < bytes.length; at += 4_093) response.write(bytes.subarray(at, at + 4_093));
        response.end();
      };
      if (request.url === '/json') send({ 'content-type': 'application/json; charset=utf-8' }, document);
      else if (request.url === '/gzip')
        send({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, gzipSync(document));
      else if (request.url === '/plain') send({ 'content-type': 'text/plain' }, document);
      else if (request.url === '/empty') send({ 'content-type': 'application/json' }, '');
      else if (request.url === '/broken-small') send({ 'content-type': 'application/json' }, '{"almost": json');
      else if (request.url === '/broken-large') send({ 'content-type': 'application/json' }, invalidLarge);
      else return false;
      return true;
    });
  });
  after(() => api.server.close());
  const get = (path: string, parseJson: GuardedRequest['parseJson']) =>
    call(`http://127.0.0.1:${api.port}${path}`, {
      policy: { allowPrivate: true },
      ...(parseJson ? { parseJson } : {}),
    });

  test('a JSON body comes back parsed, exactly as JSON.parse makes it, compressed or not', async () => {
    for (const path of ['/json', '/gzip']) {
      const response = await get(path, 'if-json-content-type');
      assert.equal(response.body, '');
      assert.deepEqual(response.json, JSON.parse(document));
      const parsed = response.json as Record<string, unknown>;
      assert.equal(Object.getPrototypeOf(parsed), Object.prototype, '__proto__ in the data is data, not a prototype');
      assert.deepEqual(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value, { admin: true });
    }
    assert.deepEqual((await get('/empty', 'always')).json, null);
  });

  test('without JSON in its content-type, or without asking, the body stays text', async () => {
    const plain = await get('/plain', 'if-json-content-type');
    assert.equal(plain.body, document);
    assert.equal('json' in plain, false);
    assert.deepEqual(JSON.parse((await get('/json', undefined)).body), JSON.parse(document));
    assert.deepEqual((await get('/plain', 'always')).json, JSON.parse(document));
  });

  test('a small body that is not JSON comes back as text; a large one fails the step without its data', async () => {
    const small = await get('/broken-small', 'always');
    assert.equal(small.body, '{"almost": json');
    assert.equal('json' in small, false);
    await assert.rejects(get('/broken-large', 'if-json-content-type'), (error: unknown) => {
      assert.ok(isStepError(error), String(error));
      assert.equal(error.retryable, false);
      assert.match(error.message, /^the response body is not valid JSON \(at character \d+\)$/);
      return true;
    });
  });
});
