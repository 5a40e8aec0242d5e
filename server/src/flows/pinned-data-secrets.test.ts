/**
 * A pinned sample is user data, but one pinned from "Test this step" must hold no secret: step-test outputs come
 * from the same activity as run outputs, which replaces every secret the step read by `[redacted]`.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CredentialSummary, FlowDetail, StepTestResult } from '@pipewright/api-contract';
import { type CredentialsHarness, startCredentialsHarness } from '../credentials/credentials-test-harness.ts';

let harness: CredentialsHarness;
before(async () => {
  harness = await startCredentialsHarness({ worker: true });
});
after(async () => {
  await harness?.stop();
});

test('a step test’s output, pinned and saved, holds no secret the step read', async () => {
  const api = () => harness.api();
  const secret = 'pin-secret-token-8f3a91c2';
  const credential = (
    await api()
      .post('/api/credentials')
      .send({ name: 'Echo token', type: 'bearerToken', values: { token: secret } })
      .expect(201)
  ).body as CredentialSummary;
  const url = `${harness.echoUrl}/ok`;
  const document = {
    schemaVersion: 1,
    nodes: [
      { id: 'start', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
      {
        id: 'call',
        type: 'http.request',
        typeVersion: 1,
        position: { x: 200, y: 0 },
        config: { method: 'GET', url, credentials: { auth: credential.id } },
      },
    ],
    edges: [{ id: 'e1', source: 'start', target: 'call' }],
  };
  const flow = (await api().post('/api/flows').send({ name: 'Secret echo', document }).expect(201)).body as FlowDetail;
  const tested = (
    await api()
      .post(`/api/flows/${flow.id}/nodes/call/test`)
      .send({ input: { method: 'GET', url, credentials: { auth: credential.id } } })
      .expect(200)
  ).body as StepTestResult;
  assert.equal(tested.status, 'succeeded', JSON.stringify(tested.error));
  assert.deepEqual((tested.output as { body: unknown }).body, { path: '/ok', authorization: 'Bearer [redacted]' });

  // The editor pins exactly what the step test returned; it is saved with the draft.
  await api()
    .put(`/api/flows/${flow.id}`)
    .send({ document: { ...flow.document, pinnedData: { call: tested.output } }, revision: flow.revision })
    .expect(200);
  const reloaded = (await api().get(`/api/flows/${flow.id}`).expect(200)).body as FlowDetail;
  assert.deepEqual(reloaded.document.pinnedData, { call: tested.output });
  const stored = await harness.db.collection('flows').findOne({ name: 'Secret echo' });
  assert.ok(stored);
  assert.doesNotMatch(JSON.stringify(stored), new RegExp(secret));
});
