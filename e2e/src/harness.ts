import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { getTestStack, uniqueName } from '@pipewright/devstack';
import { createApp } from '@pipewright/server';
import { startWorker } from '@pipewright/worker';
import { Client, Connection } from '@temporalio/client';
import { MongoClient } from 'mongodb';

export interface Product {
  baseUrl: string;
  temporal: Client;
  stop(): Promise<void>;
}

/**
 * The whole product for a browser test or a benchmark: the suite's Temporal + FerretDB, a worker on its own task
 * queue, and the server (serving the built web from web/dist) on a free port.
 */
export async function startProduct(): Promise<Product> {
  const stack = await getTestStack();
  const taskQueue = uniqueName('tq');
  const worker = await startWorker({ temporalAddress: stack.temporalAddress, taskQueue });
  const mongo = await MongoClient.connect(stack.mongoUri);
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const temporal = new Client({ connection });
  const app = await createApp({
    db: mongo.db(uniqueName('e2e')),
    temporal,
    taskQueue,
    webDistDir: resolve(import.meta.dirname, '../../web/dist'),
  });
  const server: Server = createServer(app);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    temporal,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await worker.shutdown();
      await connection.close();
      await mongo.close();
    },
  };
}

/** A local HTTP service for HTTP-request steps to call: records requests, answers JSON. */
export async function startEchoService(): Promise<{
  url: string;
  requests: { method: string; path: string; body: unknown }[];
  close(): Promise<void>;
}> {
  const requests: { method: string; path: string; body: unknown }[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    req.on('end', () => {
      const body: unknown = raw ? JSON.parse(raw) : null;
      requests.push({ method: req.method ?? '', path: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ received: body, greeting: 'hello from the echo service' }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
