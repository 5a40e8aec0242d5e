import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a service that a test can take down and bring back: `down()` cuts every open connection
 * and stops listening (a client then sees a refused connection, as when the service is stopped), `up()` listens on
 * the same port again.  Outage tests use it instead of stopping the shared test stack's FerretDB or Temporal.
 */
export interface OutageProxy {
  /** host:port clients connect to. */
  address: string;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startOutageProxy(target: { host: string; port: number }): Promise<OutageProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;

  const listen = async () => {
    const next = createServer((client) => {
      const upstream = createConnection(target);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        // A reset on one side ends the other: the outage looks the same to both.
        socket.once('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve());
    });
    const address = next.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
    server = next;
  };

  const down = async () => {
    const closing = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  };

  await listen();
  return {
    address: `127.0.0.1:${port}`,
    down,
    async up() {
      if (!server) await listen();
    },
    close: down,
  };
}

/** host and port of a `host:port` or `mongodb://host:port/…` address. */
export function hostAndPort(address: string): { host: string; port: number } {
  const match = /^(?:[a-z]+:\/\/)?([^/:]+):(\d+)/.exec(address);
  if (!match?.[1] || !match[2]) throw new Error(`not a host:port address: ${address}`);
  return { host: match[1], port: Number(match[2]) };
}
