import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDebianPackage } from './debian-packages.ts';
import { type ManagedProcess, startProcess } from './processes.ts';

export const HAPROXY_PATH = '/usr/sbin/haproxy';

/** The header HAProxy adds to each answer: the name of the server that gave it (`server-1`…). */
export const SERVED_BY_HEADER = 'x-pipewright-server';

/** The readiness check HAProxy asks each server: 200 while it takes requests, 503 from the moment it drains. */
export const READY_PATH = '/api/health/ready';

/**
 * The reverse proxy in front of the Pipewright servers (docs/cluster.md).  Why each setting:
 * - round robin over the servers, each checked every 500 ms on READY_PATH: a draining server (SIGTERM) answers 503
 *   and is out of rotation after two checks (about a second), while it still answers what it is sent;
 * - `option http-server-close`: one connection to a server per request, so no request is ever sent on a kept-alive
 *   connection the server is closing (that race is what loses requests in rolling restarts);
 * - `retry-on conn-failure` with `option redispatch`: a request whose connection was refused (a server that stopped
 *   listening before its check failed) goes to the other server.  Only connection failures, where the server never
 *   saw the request: a POST is never sent twice;
 * - `timeout tunnel 1h`: a run's live stream (server-sent events) stays open as long as the run does.
 * Both proxies use these defaults: `./pw cluster`'s (haproxyConfig) and docker-compose.yml's (deploy/haproxy.cfg).
 */
export const HAPROXY_DEFAULTS = [
  'defaults',
  '  mode http',
  '  log global',
  '  option httplog',
  '  option forwardfor',
  '  option http-server-close',
  '  timeout connect 2s',
  '  timeout client 65s',
  '  timeout server 65s',
  '  timeout tunnel 1h',
  '  timeout http-request 10s',
  '  timeout check 2s',
  '  retries 3',
  '  option redispatch 1',
  '  retry-on conn-failure',
].join('\n');

/** How each server is checked: its readiness, every 500 ms; two failures take it out, two successes bring it back. */
export const HAPROXY_SERVER_CHECK = 'check inter 500ms fall 2 rise 2';

export function haproxyConfig(options: { port: number; servers: readonly { name: string; port: number }[] }): string {
  const servers = options.servers.map(({ name, port }) => `  server ${name} 127.0.0.1:${port} ${HAPROXY_SERVER_CHECK}`);
  return [
    'global',
    '  log stdout format raw local0 warning',
    '  maxconn 4096',
    '',
    HAPROXY_DEFAULTS,
    '',
    'frontend pipewright',
    `  bind 127.0.0.1:${options.port}`,
    '  default_backend servers',
    '',
    'backend servers',
    '  balance roundrobin',
    '  option httpchk',
    `  http-check send meth GET uri ${READY_PATH}`,
    '  http-check expect status 200',
    // Which replica answered, for operators' tracing and the cluster tests (a name, nothing secret).
    `  http-response set-header ${SERVED_BY_HEADER} %[srv_name]`,
    ...servers,
    '',
  ].join('\n');
}

export function startHaproxy(options: {
  dir: string;
  port: number;
  servers: readonly { name: string; port: number }[];
  processes: ManagedProcess[];
  log?: (line: string) => void;
}): ManagedProcess {
  const binary = ensureDebianPackage({
    path: HAPROXY_PATH,
    pkg: 'haproxy',
    ...(options.log ? { log: options.log } : {}),
  });
  const file = join(options.dir, 'haproxy.cfg');
  writeFileSync(file, haproxyConfig(options));
  // -db: stay in the foreground, so it is a child we stop like the others; -W: master-worker, SIGTERM stops it.
  const child = startProcess({
    name: 'haproxy',
    command: binary,
    args: ['-W', '-db', '-f', file],
    logFile: join(options.dir, 'logs', 'haproxy.log'),
  });
  options.processes.push(child);
  return child;
}
