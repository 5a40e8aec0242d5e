import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HttpRequest } from '@pipewright/step-sdk';
import { createFakeHttp, createTestContext } from '@pipewright/step-sdk/testing';
import { httpPollTrigger } from './http-poll.trigger.ts';

const poll = (config: Record<string, unknown>, cursor: unknown, http: ReturnType<typeof createFakeHttp>) => {
  const pollFn = httpPollTrigger.poll;
  if (!pollFn) throw new Error('http.poll has no poll');
  return pollFn(httpPollTrigger.input.parse(config), cursor, createTestContext({ http: http.http }));
};

describe('http.poll', () => {
  it('returns each array element with its id field as item id, and the ETag as cursor', async () => {
    const http = createFakeHttp(() => ({
      status: 200,
      headers: { etag: '"v1"' },
      body: JSON.stringify({ data: [{ key: 7, name: 'a' }, { key: 'x', name: 'b' }, { name: 'no key' }] }),
    }));
    const result = await poll({ url: 'https://api.test/items', idField: 'key', itemsPath: 'data' }, undefined, http);
    assert.deepEqual(result.items, [
      { id: '7', data: { key: 7, name: 'a' } },
      { id: 'x', data: { key: 'x', name: 'b' } },
    ]);
    assert.deepEqual(result.cursor, { etag: '"v1"' });
  });

  it('sends the ETag back and yields nothing on 304, keeping the cursor', async () => {
    const seen: HttpRequest[] = [];
    const http = createFakeHttp((request) => {
      seen.push(request);
      return { status: 304, headers: {}, body: '' };
    });
    const result = await poll({ url: 'https://api.test/items' }, { etag: '"v1"' }, http);
    assert.equal(seen[0]?.headers?.['if-none-match'], '"v1"');
    assert.deepEqual(result, { items: [], cursor: { etag: '"v1"' } });
  });

  it('fails clearly when the answer is not an array', async () => {
    const http = createFakeHttp(() => ({ status: 200, headers: {}, body: '{"a":1}' }));
    await assert.rejects(poll({ url: 'https://api.test/items' }, undefined, http), /expected a JSON array/);
  });
});
