import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsAddress {
  host: string;
  port: number;
}

/**
 * `PIPEWRIGHT_METRICS_ADDRESS`: where a process serves `/metrics` — `9464` or `0.0.0.0:9464` (`:0` picks a free
 * port).  Unset or empty: no metrics listener.  A port alone binds 127.0.0.1: metrics name workspaces and flows, so
 * they are not for the open network unless an operator says so.
 */
export function parseMetricsAddress(text: string | undefined): MetricsAddress | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const match = /^(?:([^/\s]+):)?(\d+)$/.exec(text.trim());
  const port = Number(match?.[2]);
  if (!match || !Number.isInteger(port) || port > 65_535) {
    throw new Error(`PIPEWRIGHT_METRICS_ADDRESS: "${text}" is not a port or host:port (e.g. 9464 or 0.0.0.0:9464)`);
  }
  return { host: (match[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1'), port };
}

/** Serves the registry at `GET /metrics` (Prometheus text format) on its own listener. */
export async function serveMetrics(
  registry: Registry,
  address: MetricsAddress,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) =>
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
