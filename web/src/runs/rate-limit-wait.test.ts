import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeRateLimitWait } from './rate-limit-wait.ts';

test('a step that waited for its connector rate limit says how long and for which connector', () => {
  assert.equal(describeRateLimitWait(1234, 'http.request'), 'Waited 1.2 s for the http rate limit');
  assert.equal(describeRateLimitWait(480, 'postgres.query'), 'Waited 480 ms for the postgres rate limit');
  assert.equal(describeRateLimitWait(2000, undefined), 'Waited 2.0 s for the connector rate limit');
});

test('no wait, no line', () => {
  assert.equal(describeRateLimitWait(undefined, 'http.request'), null);
  assert.equal(describeRateLimitWait(0, 'http.request'), null);
});
