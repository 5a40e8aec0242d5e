import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toUrl } from './typed-request.ts';

test('path parameters are filled in and encoded, the /api prefix left to the request function', () => {
  assert.equal(
    toUrl('/api/flows/{id}/versions/{version}', { id: 'a b/c', version: 3 }, undefined),
    '/flows/a%20b%2Fc/versions/3',
  );
});

test('query values are encoded and undefined ones left out', () => {
  assert.equal(
    toUrl('/api/runs', undefined, { status: 'failed,running', cursor: undefined, flowId: 'x&y' }),
    '/runs?status=failed%2Crunning&flowId=x%26y',
  );
});

test('a missing path parameter is an error naming it, not a request to a wrong URL', () => {
  assert.throws(() => toUrl('/api/runs/{id}', {}, undefined), /path parameter id is missing/);
});
