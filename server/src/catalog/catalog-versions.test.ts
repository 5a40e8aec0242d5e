/**
 * Older step versions stay in the catalog: a node pinned to `acme-crm.createContact@1` shows v1's form while the
 * palette offers v2 (issue 13, item 4).  Through the real app, FerretDB and Temporal (no worker needed).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { PublishStepPackageBody } from '@pipewright/api-contract';
import type { StepManifest } from '@pipewright/step-sdk';
import { type Harness, startHarness } from '../test-support.ts';

let harness: Harness;
before(async () => {
  harness = await startHarness({ worker: false });
});
after(async () => {
  await harness?.stop();
});

/** A package step whose input schema has the given required string fields. */
const step = (version: number, fields: string[]): PublishStepPackageBody['steps'][number] => ({
  type: 'acme-crm.createContact',
  version,
  title: `Create contact v${version}`,
  description: '',
  kind: 'action',
  category: 'CRM',
  keywords: [],
  inputSchema: {
    type: 'object',
    properties: Object.fromEntries(fields.map((field) => [field, { type: 'string' }])),
    required: fields,
  },
  outputSchema: { type: 'object' },
  ui: {},
  retry: {},
  timeoutMs: null,
  runsIn: 'activity',
});

const stepVersion = (type: string, version: number | string) =>
  harness.api().get(`/api/catalog/steps/${encodeURIComponent(type)}/versions/${version}`);

describe('GET /api/catalog/steps/:type/versions/:version', () => {
  before(async () => {
    await harness
      .api()
      .post('/api/step-packages')
      .send({ name: 'acme-crm', version: '0.1.0', steps: [step(1, ['fullName'])] })
      .expect(201);
    await harness
      .api()
      .post('/api/step-packages')
      .send({ name: 'acme-crm', version: '0.2.0', steps: [step(2, ['firstName', 'lastName'])] })
      .expect(201);
  });

  test('serves an older published version with its own input schema, while the catalog offers the newest', async () => {
    const v1 = (await stepVersion('acme-crm.createContact', 1).expect(200)).body as { step: StepManifest };
    assert.deepEqual(
      [v1.step.version, v1.step.title, v1.step.inputSchema.required],
      [1, 'Create contact v1', ['fullName']],
    );
    assert.equal(v1.step.package?.version, '0.1.0');
    const v2 = (await stepVersion('acme-crm.createContact', 2).expect(200)).body as { step: StepManifest };
    assert.deepEqual(v2.step.inputSchema.required, ['firstName', 'lastName']);
    const catalog = (await harness.api().get('/api/catalog').expect(200)).body as { steps: StepManifest[] };
    assert.equal(catalog.steps.find((entry) => entry.type === 'acme-crm.createContact')?.version, 2);
  });

  test('serves a built-in step at its version, and 404 for versions that were never published', async () => {
    const transform = (await stepVersion('core.transform', 1).expect(200)).body as { step: StepManifest };
    assert.equal(transform.step.type, 'core.transform');
    const missing = await stepVersion('acme-crm.createContact', 3).expect(404);
    const { error } = missing.body as { error: { message: string } };
    assert.equal(error.message, 'Step type "acme-crm.createContact" has no version 3 in this workspace');
    await stepVersion('core.transform', 7).expect(404);
    await stepVersion('nobody.nothing', 1).expect(404);
  });

  test('refuses a version that is not a whole number, naming the field', async () => {
    const bad = await stepVersion('core.transform', 'latest').expect(400);
    assert.match(bad.text, /version/);
    await stepVersion('core.transform', 0).expect(400);
  });
});
