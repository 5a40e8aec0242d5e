import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type HttpResponse, isStepError } from '@pipewright/step-sdk';
import { createFakeHttp, createTestContext, runStep } from '@pipewright/step-sdk/testing';
import { httpRequestStep } from './http-request.step.ts';

const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body),
});

async function call(input: Record<string, unknown>, response: HttpResponse) {
  const fake = createFakeHttp(() => response);
  const run = runStep(httpRequestStep, input, createTestContext({ http: fake.http }));
  return { run, requests: fake.requests };
}

describe('http.request', () => {
  it('sends method, url with query, lower-cased headers, a JSON body and an idempotency key', async () => {
    const { run, requests } = await call(
      {
        method: 'POST',
        url: 'https://api.example.com/users?existing=1',
        query: { page: '2', q: 'a b' },
        headers: { Authorization: 'Bearer x', 'X-Trace': 't1' },
        body: { name: 'Ada', tags: ['x'] },
      },
      json(201, { id: 42 }),
    );
    assert.deepEqual(await run, {
      status: 201,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: { id: 42 },
    });
    assert.deepEqual(requests, [
      {
        method: 'POST',
        url: 'https://api.example.com/users?existing=1&page=2&q=a+b',
        headers: {
          authorization: 'Bearer x',
          'x-trace': 't1',
          'content-type': 'application/json',
          'idempotency-key': 'test-run/test_node/1',
        },
        body: '{"name":"Ada","tags":["x"]}',
        parseJson: 'if-json-content-type',
      },
    ]);
  });

  it('defaults to GET without a body, and keeps a caller-supplied idempotency key', async () => {
    const { run, requests } = await call(
      { url: 'https://api.example.com/items', headers: { 'Idempotency-Key': 'mine' }, body: { ignored: true } },
      json(200, []),
    );
    await run;
    assert.deepEqual(requests, [
      {
        method: 'GET',
        url: 'https://api.example.com/items',
        headers: { 'idempotency-key': 'mine' },
        parseJson: 'if-json-content-type',
      },
    ]);
  });

  it('asks the port to parse JSON as it arrives, and takes the value when the port did', async () => {
    const parsedByPort: HttpResponse = { status: 200, headers: { 'content-type': 'text/plain' }, body: '', json: [1] };
    for (const [format, asked] of [
      ['json', 'always'],
      ['auto', 'if-json-content-type'],
    ] as const) {
      const { run, requests } = await call({ url: 'https://x.test/a', responseFormat: format }, parsedByPort);
      assert.deepEqual((await run).body, [1]);
      assert.equal(requests[0]?.parseJson, asked);
    }
    const { run, requests } = await call({ url: 'https://x.test/a', responseFormat: 'text' }, json(200, [1]));
    assert.equal((await run).body, '[1]');
    assert.equal(requests[0]?.parseJson, undefined, 'text is never parsed');
  });

  it('sends a string body as is, without forcing a content type', async () => {
    const { run, requests } = await call({ method: 'PUT', url: 'https://x.test/a', body: 'a=1&b=2' }, json(204, null));
    await run;
    assert.equal(requests[0]?.body, 'a=1&b=2');
    assert.equal(requests[0]?.headers?.['content-type'], undefined);
  });

  const bodies: { name: string; response: HttpResponse; format?: string; expected: unknown }[] = [
    {
      name: 'JSON response parsed',
      response: json(200, { ok: true, list: [1, 2] }),
      expected: { ok: true, list: [1, 2] },
    },
    {
      name: 'text response kept as text',
      response: { status: 200, headers: { 'content-type': 'text/plain' }, body: 'hi' },
      expected: 'hi',
    },
    {
      name: 'empty JSON response is null',
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: '' },
      expected: null,
    },
    {
      name: 'responseFormat json parses without a content type',
      response: { status: 200, headers: {}, body: '[1]' },
      format: 'json',
      expected: [1],
    },
    {
      name: 'responseFormat text keeps JSON as text',
      response: json(200, { a: 1 }),
      format: 'text',
      expected: '{"a":1}',
    },
  ];
  for (const { name, response, format, expected } of bodies) {
    it(name, async () => {
      const { run } = await call({ url: 'https://x.test', ...(format ? { responseFormat: format } : {}) }, response);
      assert.deepEqual((await run).body, expected);
    });
  }

  const failures: { status: number; headers?: Record<string, string>; retryable: boolean; retryAfterMs?: number }[] = [
    { status: 500, retryable: true },
    { status: 503, retryable: true },
    { status: 408, retryable: true },
    { status: 404, retryable: false },
    { status: 400, retryable: false },
    { status: 429, headers: { 'retry-after': '7' }, retryable: true, retryAfterMs: 7000 },
    { status: 429, headers: { 'retry-after': '99999' }, retryable: true, retryAfterMs: 300_000 },
  ];
  for (const { status, headers, retryable, retryAfterMs } of failures) {
    it(`${status}${headers ? ` with Retry-After ${headers['retry-after']}` : ''} fails with retryable ${retryable}`, async () => {
      const { run } = await call(
        { url: 'https://api.example.com/v1/things?secret=s' },
        json(status, { error: 'nope' }, headers),
      );
      await assert.rejects(run, (error: unknown) => {
        assert.ok(isStepError(error), 'expected a StepError');
        assert.equal(error.retryable, retryable);
        assert.equal(error.retryAfterMs, retryAfterMs);
        assert.equal(error.message, `GET https://api.example.com/v1/things answered ${status}`);
        assert.deepEqual(error.details, { status, body: { error: 'nope' } });
        return true;
      });
    });
  }

  it('fails without retry when a json response is not JSON', async () => {
    const { run } = await call(
      { url: 'https://x.test', responseFormat: 'json' },
      { status: 200, headers: {}, body: '<html>' },
    );
    await assert.rejects(
      run,
      (error: unknown) => isStepError(error) && !error.retryable && /not valid JSON/.test(error.message),
    );
  });

  for (const url of ['not a url', 'ftp://files.example.com/a', '']) {
    it(`rejects the URL "${url}" before any request`, async () => {
      const { run, requests } = await call({ url }, json(200, {}));
      await assert.rejects(run, /must be an http:\/\/ or https:\/\/ URL/);
      assert.equal(requests.length, 0);
    });
  }

  it('sends the chosen auth credential as a bearer token; without one, no Authorization header', async () => {
    const fake = createFakeHttp(() => json(200, {}));
    const withAuth = createTestContext({ http: fake.http, credentials: { auth: { token: 'tok-1' } } });
    await runStep(httpRequestStep, { url: 'https://api.example.com/a' }, withAuth);
    await runStep(httpRequestStep, { url: 'https://api.example.com/b' }, createTestContext({ http: fake.http }));
    await runStep(
      httpRequestStep,
      { url: 'https://api.example.com/c', headers: { Authorization: 'Basic own' } },
      withAuth,
    );
    assert.deepEqual(
      fake.requests.map((request) => request.headers?.authorization),
      ['Bearer tok-1', undefined, 'Basic own'],
    );
  });
});
