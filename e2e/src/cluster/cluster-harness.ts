/**
 * The cluster suite's product: `startCluster` (the shape `./pw cluster` runs: Temporal server and FerretDB on
 * PostgreSQL, two servers, two workers, HAProxy) on free ports and databases of its own, dropped at the end, with an
 * admin signed up and an API token.  Requests go through the proxy, or to one server on purpose (`via`).
 */
import { type Cluster, type ClusterOptions, startCluster } from '@pipewright/devstack';
import { Client, Connection } from '@temporalio/client';
import { type Db, MongoClient } from 'mongodb';

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
    const token = await signUpAdmin(cluster.url);
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

/** Signs up the first user (creating the workspace) and creates an API token with their session. */
async function signUpAdmin(baseUrl: string): Promise<string> {
  const signup = await fetch(`${baseUrl}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...ADMIN, name: 'Cluster Admin', workspaceName: 'Cluster' }),
  });
  if (signup.status !== 201) throw new Error(`sign-up answered ${signup.status}: ${await signup.text()}`);
  const cookie = (signup.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const created = await fetch(`${baseUrl}/api/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-requested-with': 'pipewright' },
    body: JSON.stringify({ name: 'cluster' }),
  });
  if (created.status !== 201) throw new Error(`token creation answered ${created.status}: ${await created.text()}`);
  return ((await created.json()) as { token: string }).token;
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
