import pg from 'pg';

/** Where the cluster's PostgreSQL is: the machine's own by default (PIPEWRIGHT_POSTGRES_URL). */
export interface PostgresTarget {
  host: string;
  port: number;
  user: string;
  password: string;
}

export const DEFAULT_POSTGRES_URL = 'postgres://root@127.0.0.1:5432/postgres';

/** `postgres://user[:password]@host[:port][/db]`; the database part is ignored (each service gets its own). */
export function parsePostgresUrl(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`PIPEWRIGHT_POSTGRES_URL must be a postgres:// URL, got "${url}"`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`PIPEWRIGHT_POSTGRES_URL must start with postgres://, got "${parsed.protocol}//"`);
  }
  if (!parsed.username) throw new Error('PIPEWRIGHT_POSTGRES_URL must name a user (postgres://user@host:5432)');
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  };
}

export function postgresUrl(target: PostgresTarget, database: string): string {
  const auth = target.password
    ? `${encodeURIComponent(target.user)}:${encodeURIComponent(target.password)}`
    : encodeURIComponent(target.user);
  return `postgres://${auth}@${target.host}:${target.port}/${database}`;
}

/** Database names the cluster makes: a prefix of letters, digits and underscores, then the service's part. */
export function assertDatabaseName(name: string): string {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`"${name}" is not a database name the cluster makes (a-z, 0-9, _; at most 63 characters)`);
  }
  return name;
}

async function withAdmin<T>(target: PostgresTarget, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...target, database: 'postgres', connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `cannot reach PostgreSQL at ${target.host}:${target.port} as ${target.user}: ${String(error)} ` +
        '(set PIPEWRIGHT_POSTGRES_URL to one the cluster may create databases on)',
    );
  }
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Creates the database unless it exists; true when it was created now (its schema still has to be set up). */
export function createDatabaseIfMissing(target: PostgresTarget, name: string): Promise<boolean> {
  assertDatabaseName(name);
  return withAdmin(target, async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    // Names were checked above: identifiers cannot be bound as parameters.
    await client.query(`CREATE DATABASE "${name}"`);
    return true;
  });
}

export function dropDatabases(target: PostgresTarget, names: readonly string[]): Promise<void> {
  for (const name of names) assertDatabaseName(name);
  return withAdmin(target, async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}

/**
 * The PostgreSQL processes working for these databases: their connections' backends, and the server's own background
 * processes (WAL writer, checkpointer…), which work for every database.  For benchmarks' CPU a run.
 */
export function postgresPids(target: PostgresTarget, names: readonly string[]): Promise<number[]> {
  return withAdmin(target, async (client) => {
    const rows = await client.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = ANY($1) OR backend_type <> 'client backend'",
      [names],
    );
    return rows.rows.map((row) => row.pid);
  });
}
