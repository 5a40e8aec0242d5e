/**
 * A package declares its own credential type; an admin creates a credential of it (validated against the
 * package's JSON Schema, secret never returned); a flow uses the package's step with it; the package worker —
 * started with neither master keys nor MongoDB — gets the values from the server's resolve route, and the secret
 * shows up nowhere in the run.  The resolve route refuses other workspaces, core nodes and unset slots.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type {
  CredentialDetail,
  CredentialSummary,
  FlowDetail,
  RunDetail,
  StartRunResponse,
} from '@pipewright/api-contract';
import { getTestStack } from '@pipewright/devstack';
import {
  type CredentialManifest,
  defineCredential,
  defineStep,
  defineStepPackage,
  readCredential,
  toPackageManifest,
  z,
} from '@pipewright/step-sdk';
import { type RunningPackageWorker, startPackageWorker } from '@pipewright/step-worker';
import { createSignedInAgent, provisionWorkspace, type SignedInUser, signedInAgent } from '../auth/test-accounts.ts';
import { type CredentialsHarness, startCredentialsHarness } from '../credentials/credentials-test-harness.ts';

const secret = `pkg-canary-${randomBytes(16).toString('base64url')}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const vaultCredential = defineCredential({
  type: 'vaultpkg.key',
  version: 1,
  title: 'Vault key',
  description: 'An account and its secret key',
  fields: z.object({
    account: z.string().min(1),
    secret: z.string().min(8),
    region: z.enum(['eu', 'us']).default('eu'),
  }),
  secretFields: ['secret'],
});

/** Reads its credential, logs and echoes the secret (a careless step): the worker must scrub it. */
const vaultStep = defineStep({
  type: 'vaultpkg.check',
  version: 1,
  kind: 'action',
  title: 'Vault check',
  description: 'Reports which account its credential is for',
  credentials: { vault: vaultCredential, backup: vaultCredential },
  input: z.object({}),
  output: z.object({ account: z.string(), region: z.string(), secretHash: z.string(), echoed: z.string() }),
  async run(_input, ctx) {
    const values = await readCredential(ctx.credentials, 'vault', vaultCredential);
    ctx.log.info(`using ${values.secret}`);
    return {
      account: values.account,
      region: values.region,
      secretHash: sha256(values.secret),
      echoed: `key ${values.secret}`,
    };
  },
});
const definition = defineStepPackage({ steps: [vaultStep], credentialTypes: [vaultCredential] });

let harness: CredentialsHarness;
let server: Server;
let developer: SignedInUser;
let worker: RunningPackageWorker | undefined;

before(async () => {
  harness = await startCredentialsHarness({ worker: true });
  server = createServer(harness.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  developer = await createSignedInAgent(harness, { role: 'developer' });
});
after(async () => {
  await worker?.shutdown();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await harness?.stop();
});

const admin = () => harness.api();

describe('credentials of a step package’s own type', () => {
  let credential: CredentialSummary;
  let runId: string;

  test('the package’s type is offered in its workspace only, and values are checked with its schema', async () => {
    const published = await signedInAgent(harness.app, developer.token)
      .post('/api/step-packages')
      .send(toPackageManifest(definition, { name: 'vaultpkg', version: '1.0.0' }))
      .expect(201);
    const { taskQueue } = published.body as { taskQueue: string };

    const types = (await admin().get('/api/credential-types').expect(200)).body as { items: CredentialManifest[] };
    const vault = types.items.find((item) => item.type === 'vaultpkg.key');
    assert.deepEqual(vault?.secretFields, ['secret']);
    assert.equal(vault?.testable, false);
    const other = await provisionWorkspace(harness.app, harness.db);
    const otherTypes = (await signedInAgent(harness.app, other.token).get('/api/credential-types').expect(200))
      .body as { items: CredentialManifest[] };
    assert.ok(!otherTypes.items.some((item) => item.type === 'vaultpkg.key'));

    const missing = await admin()
      .post('/api/credentials')
      .send({ name: 'Vault', type: 'vaultpkg.key', values: { secret, extra: 1 } })
      .expect(400);
    const paths = (missing.body as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path);
    assert.deepEqual(paths.sort(), ['values.account', 'values.extra']);
    assert.ok(!missing.text.includes(secret));
    await admin()
      .post('/api/credentials')
      .send({ name: 'Vault', type: 'vaultpkg.key', values: { account: 'acme', secret, region: 'mars' } })
      .expect(400);

    credential = (
      await admin()
        .post('/api/credentials')
        .send({ name: 'Vault', type: 'vaultpkg.key', values: { account: 'acme', secret } })
        .expect(201)
    ).body as CredentialSummary;
    const detail = await admin().get(`/api/credentials/${credential.id}`).expect(200);
    assert.deepEqual((detail.body as CredentialDetail).publicValues, { account: 'acme', region: 'eu' });
    assert.deepEqual((detail.body as CredentialDetail).secretFieldsSet, ['secret']);
    assert.ok(!detail.text.includes(secret));

    const tested = await admin().post(`/api/credentials/${credential.id}/test`).expect(409);
    assert.equal((tested.body as { error: { code: string } }).error.code, 'not_testable');
    assert.match((tested.body as { error: { message: string } }).error.message, /vaultpkg/);

    const { temporalAddress } = await getTestStack();
    const { port } = server.address() as AddressInfo;
    // No keyring, no MongoDB: the server is the only way to the credential.
    worker = await startPackageWorker({
      temporalAddress,
      taskQueue,
      definition,
      server: { url: `http://127.0.0.1:${port}`, token: developer.token },
      metrics: { host: '127.0.0.1', port: 0 },
    });
  });

  test('the package worker gets the values from the server; the secret stays out of the run', async () => {
    const document = {
      schemaVersion: 1,
      nodes: [
        { id: 'start', type: 'core.manual', typeVersion: 1, position: { x: 0, y: 0 }, config: {} },
        {
          id: 'vault',
          type: 'vaultpkg.check',
          typeVersion: 1,
          position: { x: 200, y: 0 },
          config: { credentials: { vault: credential.id } },
        },
        {
          id: 'shape',
          type: 'core.transform',
          typeVersion: 1,
          position: { x: 400, y: 0 },
          config: { fields: [{ name: 'account', value: '{{ steps.vault.account }}' }] },
        },
      ],
      edges: [
        { id: 'e1', source: 'start', target: 'vault' },
        { id: 'e2', source: 'vault', target: 'shape' },
      ],
    };
    const flow = (await admin().post('/api/flows').send({ name: 'Vault', document }).expect(201)).body as FlowDetail;
    await admin().post(`/api/flows/${flow.id}/publish`).expect(201);
    runId = (
      (await admin().post(`/api/flows/${flow.id}/runs`).send({ source: 'published' }).expect(202))
        .body as StartRunResponse
    ).runId;
    await harness.temporal.workflow.getHandle(runId).result();

    const response = await admin().get(`/api/runs/${runId}`).expect(200);
    const run = response.body as RunDetail;
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
    const output = JSON.stringify(run);
    assert.ok(output.includes(sha256(secret)), 'the step saw the decrypted secret');
    assert.ok(output.includes('"region":"eu"'), 'the stored default reached the step');
    assert.ok(!response.text.includes(secret), 'run state carries no secret');
    const history = JSON.stringify(await harness.temporal.workflow.getHandle(runId).fetchHistory(), (_k, v: unknown) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v,
    );
    assert.ok(!history.includes(secret), 'the Temporal history carries no secret');
    const uses = await harness.db
      .collection('audit')
      .countDocuments({ action: 'credential.use', 'target.id': credential.id });
    assert.ok(uses >= 1, 'the use is audited');

    // The package worker counts its step attempts like the core worker, never naming the package's step.
    const metrics = await (await fetch(`http://127.0.0.1:${worker?.metricsPort}/metrics`)).text();
    assert.match(
      metrics,
      new RegExp(
        `pipewright_step_attempts_total\\{(?=[^}]*workspace="${harness.admin.workspaceId}")(?=[^}]*connector="package")(?=[^}]*outcome="succeeded")[^}]*\\} 1`,
      ),
    );
    assert.ok(!metrics.includes('vaultpkg'), 'no package step name in the labels');
  });

  test('the resolve route answers only for package nodes of the caller’s workspace with a set slot', async () => {
    const resolve = (token: string, body: Record<string, string>) =>
      signedInAgent(harness.app, token).post('/api/step-packages/credentials/resolve').send(body);
    const ok = await resolve(developer.token, { workflowId: runId, nodeId: 'vault', slot: 'vault' }).expect(200);
    assert.equal((ok.body as { values: { secret: string } }).values.secret, secret);

    const other = await provisionWorkspace(harness.app, harness.db);
    const refusals = [
      await resolve(other.token, { workflowId: runId, nodeId: 'vault', slot: 'vault' }),
      await resolve(developer.token, { workflowId: runId, nodeId: 'shape', slot: 'vault' }),
      await resolve(developer.token, { workflowId: runId, nodeId: 'vault', slot: 'backup' }),
      await resolve(developer.token, { workflowId: runId, nodeId: 'vault', slot: 'nope' }),
      await resolve(developer.token, { workflowId: 'no-such-run', nodeId: 'vault', slot: 'vault' }),
    ];
    assert.deepEqual(
      refusals.map((response) => response.status),
      [404, 403, 404, 404, 404],
    );
    for (const response of refusals) assert.ok(!response.text.includes(secret));
    const builder = await createSignedInAgent(harness, { role: 'builder' });
    await resolve(builder.token, { workflowId: runId, nodeId: 'vault', slot: 'vault' }).expect(403);
  });
});
