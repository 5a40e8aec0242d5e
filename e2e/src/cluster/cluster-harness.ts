/**
 * The cluster suite's product: `startCluster` (the shape `./pw cluster` runs: Temporal server and FerretDB on
 * PostgreSQL, two servers, two workers, HAProxy) on free ports and databases of its own, dropped at the end, with an
 * admin signed up and an API token.  Requests go through the proxy, or to one server on purpose (`via`).
 */
import { type Cluster, type ClusterOptions, startCluster } from '@pipewright/devstack';
import { Client, Connection } from '@temporalio/client';
import { type Db, MongoClient } from 'mongodb';
import { signUpAdmin } from '../harness.ts';

export const ADMIN = { email: 'admin@cluster.test', password: 'cluster password 123' };

/** Where a request goes: through the proxy (default), or straight to server 0 or 1. */
export type Via = 'proxy' | number;

export interface ClusterProduct {
  cluster: Cluster;
  temporal: Client;
  /** The cluster's MongoDB API (FerretDB on PostgreSQL), for assertions on stored data. */
  db: Db;
  token: string;
  /** `via`'s base URL. */
  urlOf(via?: Via): string;
  api(path: string, init?: RequestInit, via?: Via): Promise<Response>;
  /** The API's JSON answer, failing with its body when the status is not `status`. */
  json<T>(path: string, init?: RequestInit & { status?: number; via?: Via }): Promise<T>;
  stop(): Promise<void>;
}

export async function startClusterProduct(options: Partial<ClusterOptions> = {}): Promise<ClusterProduct> {
  const cluster = await startCluster({
    dataDir: '',
    ephemeral: true,
    freePorts: true,
    log: () => {},
    ...options,
  });
  let connection: Connection | undefined;
  let mongo: MongoClient | undefined;
  try {
    connection = await Connection.connect({ address: cluster.temporalAddress });
    mongo = await MongoClient.connect(cluster.mongoUri);
    const temporal = new Client({ connection });
    const urlOf = (via: Via = 'proxy'): string => {
      if (via === 'proxy') return cluster.url;
      const server = cluster.servers[via];
      if (!server?.url) throw new Error(`no server ${via}`);
      return server.url;
    };
    const token = await signUpAdmin(cluster.url, { ...ADMIN, name: 'Cluster Admin', workspaceName: 'Cluster' });
    const api = (path: string, init: RequestInit = {}, via: Via = 'proxy') => {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization') && !headers.has('cookie')) headers.set('authorization', `Bearer ${token}`);
      if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
      return fetch(`${urlOf(via)}${path}`, { ...init, headers });
    };
    const ownMongo = mongo;
    const ownConnection = connection;
    return {
      cluster,
      temporal,
      db: mongo.db(cluster.mongoDb),
      token,
      urlOf,
      api,
      async json<T>(path: string, init: RequestInit & { status?: number; via?: Via } = {}): Promise<T> {
        const { status = 200, via, ...rest } = init;
        const response = await api(path, rest, via);
        const text = await response.text();
        if (response.status !== status) {
          throw new Error(`${rest.method ?? 'GET'} ${path} answered ${response.status}, not ${status}: ${text}`);
        }
        return (text ? JSON.parse(text) : undefined) as T;
      },
      async stop() {
        await ownConnection.close();
        await ownMongo.close();
        await cluster.stop();
      },
    };
  } catch (error) {
    await connection?.close();
    await mongo?.close();
    await cluster.stop();
    throw error;
  }
}

/** A flow created and published through the API; its webhook path when it has one. */
export async function publishFlow(
  product: ClusterProduct,
  name: string,
  document: unknown,
): Promise<{ id: string; webhookPath: string }> {
  const created = await product.json<{ id: string; webhookPath: string }>('/api/flows', {
    method: 'POST',
    body: JSON.stringify({ name, document }),
    status: 201,
  });
  await product.json(`/api/flows/${created.id}/publish`, { method: 'POST', status: 201 });
  return created;
}

/** webhook → a transform that copies `trigger.body[field]`: the cheapest flow a delivery can start. */
export const webhookTransformFlow = (field: string) => ({
  schemaVersion: 1,
  nodes: [
    { id: 'hook', type: 'core.webhook', typeVersion: 1, position: { x: 0, y: 0 }, config: { method: 'POST' } },
    {
      id: 'shape',
      type: 'core.transform',
      typeVersion: 1,
      position: { x: 260, y: 0 },
      config: { fields: [{ name: field, value: `{{ trigger.body.${field} }}` }] },
    },
  ],
  edges: [{ id: 'e1', source: 'hook', target: 'shape' }],
});
