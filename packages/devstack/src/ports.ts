import { createServer, type Server } from 'node:net';

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `count` distinct free ports, by default any the OS offers, or from `range` (Temporal stores membership ports as a
 * PostgreSQL smallint, so they must stay below 32768, under the OS's own range).  All are held open until the last is
 * found, so none is handed out twice.
 */
export async function freePorts(count: number, range?: { min: number; max: number }): Promise<number[]> {
  const held: Server[] = [];
  try {
    for (let attempt = 0; held.length < count; attempt += 1) {
      if (attempt > count * 50) throw new Error(`no ${count} free ports in ${range?.min}–${range?.max}`);
      const wanted = range ? range.min + Math.floor(Math.random() * (range.max - range.min + 1)) : 0;
      const server = await listenOn(wanted).catch(() => undefined);
      if (server) held.push(server);
    }
    return held.map((server) => {
      const address = server.address();
      return typeof address === 'object' && address ? address.port : 0;
    });
  } finally {
    await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** True when something accepts connections on host:port. */
export function isPortOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, host, () => server.close(() => resolve(false)));
  });
}
