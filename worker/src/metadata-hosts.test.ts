import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { getTestStack, uniqueName } from '@pipewright/devstack';
import { finalStateOfFailure, RUN_FLOW_WORKFLOW, type RunFlowInput, type RunState } from '@pipewright/run-contract';
import { createKeyring, sealCredential } from '@pipewright/secrets';
import {
  classifyAddress,
  classifyHostName,
  type GuardedRequest,
  guardedRequest,
  type ResolveHost,
} from '@pipewright/step-host';
import { isStepError } from '@pipewright/step-sdk';
import { type Db, MongoClient } from 'mongodb';
import { closeLocally, compileTestFlow, listenLocally, startTestWorker, type TestWorker } from './test-support.ts';

/** Stands in for a metadata server / the cluster API: whatever reaches it was not refused. */
const seen: string[] = [];
const server = createServer((request, response) => {
  seen.push(`${request.headers.host ?? ''}${request.url ?? ''}`);
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ token: 'instance-credentials' }));
});
let port = 0;

/** Resolves every name to the local server and records what it was asked: a refused name is never looked up. */
const lookups: string[] = [];
const resolveToLocal: ResolveHost = async (hostname) => {
  lookups.push(hostname);
  return [{ address: '127.0.0.1', family: 4 }];
};

before(async () => {
  port = Number(new URL(await listenLocally(server)).port);
});
after(async () => {
  await closeLocally(server);
});

const call = (url: string, options: Partial<GuardedRequest> = {}) =>
  guardedRequest({
    method: 'GET',
    url,
    headers: {},
    signal: AbortSignal.timeout(5000),
    policy: { allowPrivate: false },
    resolve: resolveToLocal,
    ...options,
  });

/** Refused by name, with the reason, and neither looked up nor reached. */
async function assertRefusedByName(url: string, reason: RegExp, options: Partial<GuardedRequest> = {}) {
  const looked = lookups.length;
  const reached = seen.length;
  await assert.rejects(call(url, options), (error: unknown) => {
    assert.ok(isStepError(error), String(error));
    assert.equal(error.retryable, false);
    assert.match(error.message, reason, url);
    return true;
  });
  assert.equal(lookups.length, looked, `${url}: no DNS look-up`);
  assert.equal(seen.length, reached, `${url}: nothing reached the server`);
}

describe('host names refused by name', () => {
  const table: [string, 'metadata' | 'private' | undefined][] = [
    ['metadata.google.internal', 'metadata'],
    ['METADATA.Google.Internal.', 'metadata'],
    ['metadata.goog', 'metadata'],
    ['metadata', 'metadata'],
    ['instance-data', 'metadata'],
    ['instance-data.ec2.internal', 'metadata'],
    ['metadata.azure.com', 'metadata'],
    ['metadata.tencentyun.com', 'metadata'],
    ['kubernetes', 'metadata'],
    ['kubernetes.default', 'metadata'],
    ['kubernetes.default.svc', 'metadata'],
    ['kubernetes.default.svc.cluster.local', 'metadata'],
    ['billing.prod.svc', 'private'],
    ['billing.prod.svc.cluster.local', 'private'],
    ['redis-0.redis.prod.svc.cluster.local.', 'private'],
    ['api.example.com', undefined],
    ['metadata.example.com', undefined],
    ['kubernetes.io', undefined],
  ];
  for (const [name, expected] of table) {
    test(`${name} → ${expected ?? 'decided by its addresses'}`, () => {
      assert.equal(classifyHostName(name)?.class, expected);
    });
  }

  test('AWS ECS/EKS credential agents are metadata by address too', () => {
    for (const address of ['169.254.170.2', '169.254.170.23', 'fd00:ec2::23', 'fd00:ec2::254']) {
      assert.equal(classifyAddress(address).class, 'metadata', address);
    }
    assert.equal(classifyAddress('169.254.170.3').class, 'private');
  });
});

describe('guardedRequest: metadata and in-cluster names', () => {
  test('metadata names are refused before any look-up, even with private networks allowed', async () => {
    for (const host of ['metadata.google.internal', 'metadata', 'instance-data', 'metadata.azure.com.']) {
      await assertRefusedByName(`http://${host}:${port}/computeMetadata/v1/`, /\(cloud metadata host name\)/, {
        policy: { allowPrivate: true },
      });
    }
  });

  test('the message names the host and who can allow it', async () => {
    await assert.rejects(call(`http://metadata.google.internal:${port}/`), {
      message:
        'Blocked request to metadata.google.internal (cloud metadata host name) — cloud metadata and cluster API ' +
        'hosts stay blocked unless an admin allows metadata on the credential used by this node',
    });
  });

  test('the Kubernetes API server names are refused like metadata, even with private networks allowed', async () => {
    for (const host of ['kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local']) {
      await assertRefusedByName(`https://${host}:${port}/api/v1/secrets`, /\(Kubernetes API server\)/, {
        policy: { allowPrivate: true },
      });
    }
  });

  test('other in-cluster names are private: refused by name unless private networks are allowed', async () => {
    await assertRefusedByName(`http://billing.prod.svc.cluster.local:${port}/`, /\(in-cluster service name\)/);
    const response = await call(`http://billing.prod.svc.cluster.local:${port}/ok`, {
      policy: { allowPrivate: true },
    });
    assert.equal(response.status, 200);
    assert.equal(lookups.at(-1), 'billing.prod.svc.cluster.local');
  });

  test('an explicit metadata allowance opens metadata names (and the address decides the rest)', async () => {
    const response = await call(`http://metadata.google.internal:${port}/computeMetadata/v1/`, {
      policy: { allowPrivate: true, allowMetadata: true },
    });
    assert.equal(response.status, 200);
    assert.equal(seen.at(-1), `metadata.google.internal:${port}/computeMetadata/v1/`);
    // Metadata allowed but not private networks: the name passes, the loopback address it resolves to does not.
    await assert.rejects(
      call(`http://metadata.google.internal:${port}/`, { policy: { allowPrivate: false, allowMetadata: true } }),
      {
        message: /^Blocked request to 127\.0\.0\.1 \(loopback\)/,
      },
    );
  });

  test('a host list narrows the metadata allowance to the listed names', async () => {
    await assertRefusedByName(`http://metadata.google.internal:${port}/`, /cloud metadata host name/, {
      policy: { allowPrivate: true, allowMetadata: true, allowedHosts: ['api.internal.test'] },
    });
  });

  test('a redirect to a metadata name is refused before it is looked up', async () => {
    const redirecting = createServer((_request, response) => {
      response.writeHead(302, { location: `http://metadata.google.internal:${port}/computeMetadata/v1/` }).end();
    });
    const base = await listenLocally(redirecting);
    try {
      const looked = lookups.length;
      await assert.rejects(call(`${base}/`, { policy: { allowPrivate: true } }), {
        message: /^Blocked request to metadata\.google\.internal \(cloud metadata host name\)/,
      });
      assert.equal(lookups.length, looked);
    } finally {
      await closeLocally(redirecting);
    }
  });
});

describe('HTTP step on a development worker (private networks open)', () => {
  const keyring = createKeyring({ keys: [{ id: 'test', key: randomBytes(32) }], primary: 'test' });
  const workspaceId = uniqueName('ws');
  let testWorker: TestWorker;
  let mongo: MongoClient;
  let db: Db;

  before(async () => {
    const dbName = uniqueName('metadata_hosts');
    const { mongoUri } = await getTestStack();
    testWorker = await startTestWorker(uniqueName('tq-metadata'), {
      // Every name resolves to the local server: without the name check, the request would reach it.
      http: { allowPrivateNetworks: true, resolve: resolveToLocal },
      keyring,
      mongo: { uri: mongoUri, dbName },
    });
    mongo = await MongoClient.connect(mongoUri);
    db = mongo.db(dbName);
  });
  after(async () => {
    await testWorker?.stop();
    await db?.dropDatabase().catch(() => {});
    await mongo?.close();
  });

  async function credential(network: Record<string, unknown>): Promise<string> {
    const id = `cred_${randomBytes(6).toString('hex')}`;
    await db.collection<{ _id: string } & Record<string, unknown>>('credentials').insertOne({
      _id: id,
      workspaceId,
      name: id,
      type: 'bearerToken',
      typeVersion: 1,
      sealed: sealCredential(keyring, { token: 'tok-1' }, { workspaceId, credentialId: id }),
      version: 1,
      createdAt: new Date(),
      updatedAt: new Date(),
      lastUsedAt: null,
      network,
    });
    return id;
  }

  async function runCall(config: Record<string, unknown>): Promise<RunState> {
    const plan = compileTestFlow({
      flowId: 'flow-metadata',
      taskQueue: testWorker.taskQueue,
      nodes: [
        { id: 'start', type: 'core.manual' },
        { id: 'call', type: 'http.request', config, settings: { retry: { maxAttempts: 3, initialIntervalMs: 50 } } },
      ],
      edges: [['start', 'call']],
    });
    const id = uniqueName('run');
    const input: RunFlowInput = {
      plan,
      trigger: {},
      run: { id, workspaceId, kind: 'manual' },
      localTaskQueue: testWorker.taskQueue,
    };
    const handle = await testWorker.client.workflow.start(RUN_FLOW_WORKFLOW, {
      taskQueue: testWorker.taskQueue,
      workflowId: id,
      args: [input],
    });
    return handle.result().then(
      (state: RunState) => state,
      (error: unknown) => finalStateOfFailure(error) ?? Promise.reject(error),
    );
  }

  test('metadata.google.internal fails at once, named, without a look-up or a retry', async () => {
    const looked = lookups.length;
    const reached = seen.length;
    const state = await runCall({ url: `http://metadata.google.internal:${port}/computeMetadata/v1/token` });
    assert.equal(state.status, 'failed');
    assert.equal(state.nodes.call?.attempts, 1);
    assert.match(
      state.nodes.call?.error?.message ?? '',
      /^Blocked request to metadata\.google\.internal \(cloud metadata host name\)/,
    );
    assert.equal(lookups.length, looked);
    assert.equal(seen.length, reached);
  });

  test('kubernetes.default.svc fails the same way', async () => {
    const state = await runCall({ url: `https://kubernetes.default.svc:${port}/api/v1/namespaces/default/secrets` });
    assert.equal(state.status, 'failed');
    assert.match(
      state.nodes.call?.error?.message ?? '',
      /^Blocked request to kubernetes\.default\.svc \(Kubernetes API/,
    );
  });

  test('a credential with private networks (but not metadata) allowed does not open metadata names', async () => {
    const auth = await credential({ allowPrivate: true });
    const state = await runCall({ url: `http://instance-data:${port}/latest/meta-data/`, credentials: { auth } });
    assert.equal(state.status, 'failed');
    assert.match(
      state.nodes.call?.error?.message ?? '',
      /^Blocked request to instance-data \(cloud metadata host name\)/,
    );
  });

  test('a credential with the explicit metadata allowance reaches it', async () => {
    const auth = await credential({ allowPrivate: true, allowMetadata: true });
    const state = await runCall({
      url: `http://metadata.google.internal:${port}/computeMetadata/v1/`,
      credentials: { auth },
    });
    assert.equal(state.status, 'succeeded', JSON.stringify(state.nodes.call?.error));
    assert.equal(seen.at(-1), `metadata.google.internal:${port}/computeMetadata/v1/`);
  });
});
