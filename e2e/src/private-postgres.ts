import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface PrivatePostgres {
  host: string;
  port: number;
  /** The cluster's superuser, who must log in with `password` (SCRAM-SHA-256, over TCP and the socket alike). */
  user: string;
  password: string;
  database: string;
  /** Stops the server (fast shutdown) and deletes its files. */
  stop(): Promise<void>;
}

const run = promisify(execFile);

/**
 * A throwaway PostgreSQL cluster that really checks passwords: `initdb --auth=scram-sha-256` in a temporary folder,
 * `postgres` on a free loopback port, as a child of this process.  The machine's own PostgreSQL (trust auth on
 * 5432) is neither used nor changed.  Uses the server binaries of Debian's `postgresql` package
 * (/usr/lib/postgresql/<version>/bin, the newest), else `initdb` and `postgres` on PATH.  initdb refuses to run as
 * root, so as root the cluster runs as the `postgres` OS user that package creates.
 */
export async function startPrivatePostgres(login: { user: string; password: string }): Promise<PrivatePostgres> {
  const bin = serverBinDir();
  const owner = await clusterOwner();
  const dir = await mkdtemp(join(tmpdir(), 'pipewright-pg-'));
  const data = join(dir, 'data');
  const passwordFile = join(dir, 'password');
  let server: ChildProcess | undefined;
  const stop = async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server?.once('exit', resolve));
      server.kill('SIGINT');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await writeFile(passwordFile, login.password, { mode: 0o600 });
    if (owner) {
      await chown(dir, owner.uid, owner.gid);
      await chown(passwordFile, owner.uid, owner.gid);
    }
    // C locale: English server messages, which `started()` reads.
    const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
    await run(
      join(bin, 'initdb'),
      [
        `--pgdata=${data}`,
        `--username=${login.user}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        '--no-sync',
        '--no-instructions',
      ],
      { env, ...(owner ?? {}) },
    );
    await rm(passwordFile);
    const port = await freePort();
    server = spawn(
      join(bin, 'postgres'),
      [
        '-D',
        data,
        '-p',
        String(port),
        '-k',
        dir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'fsync=off',
        '-c',
        'max_connections=20',
      ],
      { env, stdio: ['ignore', 'ignore', 'pipe'], ...(owner ?? {}) },
    );
    // A crashed test run must not leave the server behind (after() hooks do not run on a hard exit).
    const child = server;
    const killOnExit = () => child.kill('SIGQUIT');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    await started(child);
    return { host: '127.0.0.1', port, user: login.user, password: login.password, database: 'postgres', stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Resolves once the server says it accepts connections; rejects with its log if it exits first. */
function started(server: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    let ready = false;
    server.stderr?.setEncoding('utf8');
    server.stderr?.on('data', (chunk: string) => {
      if (ready) return;
      log += chunk;
      ready = log.includes('database system is ready to accept connections');
      if (ready) resolve();
    });
    server.once('error', reject);
    server.once('exit', (code, signal) =>
      reject(new Error(`postgres exited (${signal ?? code}) before it was ready:\n${log}`)),
    );
  });
}

function serverBinDir(): string {
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian)
    ? readdirSync(debian)
        .filter((version) => existsSync(join(debian, version, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  // '' = on PATH.
  return versions[0] === undefined ? '' : join(debian, versions[0], 'bin');
}

/** As root, the `postgres` OS user (initdb and postgres refuse to run as root); otherwise this process's user. */
async function clusterOwner(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch (error) {
    throw new Error('running as root, a private PostgreSQL cluster needs the "postgres" OS user', { cause: error });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
