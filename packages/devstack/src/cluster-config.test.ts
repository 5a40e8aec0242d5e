import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { haproxyConfig, READY_PATH, SERVED_BY_HEADER } from './haproxy.ts';
import { assertDatabaseName, parsePostgresUrl, postgresUrl } from './postgres.ts';
import { dynamicConfigFile, temporalServerConfig } from './temporal-server.ts';

describe('the cluster configuration files', () => {
  test('HAProxy spreads over every server, checks readiness, and retries only refused connections', () => {
    const config = haproxyConfig({
      port: 8088,
      servers: [
        { name: 'server-1', port: 4001 },
        { name: 'server-2', port: 4002 },
      ],
    });
    assert.match(config, /bind 127\.0\.0\.1:8088/);
    assert.match(config, /server server-1 127\.0\.0\.1:4001 check/);
    assert.match(config, /server server-2 127\.0\.0\.1:4002 check/);
    assert.match(config, new RegExp(`http-check send meth GET uri ${READY_PATH}`));
    assert.match(config, new RegExp(`http-response set-header ${SERVED_BY_HEADER} %\\[srv_name\\]`));
    // A POST the server may have seen is never sent again: only connection failures are retried.
    assert.match(config, /retry-on conn-failure\n/);
    assert.doesNotMatch(config, /empty-response|response-timeout|non_idempotent/);
  });

  test('the Temporal server config puts both stores in PostgreSQL, with the ports it was given', () => {
    const config = JSON.parse(
      temporalServerConfig({
        target: { host: '127.0.0.1', port: 5432, user: 'root', password: '' },
        databases: { main: 'pw_temporal', visibility: 'pw_temporal_visibility' },
        ports: {
          frontend: 7233,
          frontendHttp: 7243,
          history: 7234,
          matching: 7235,
          worker: 7239,
          membership: { frontend: 6933, history: 6934, matching: 6935, worker: 6939 },
        },
        dir: '/tmp/x',
        dynamicConfigFile: '/tmp/x/dynamic.yaml',
      }),
    ) as {
      persistence: { datastores: Record<string, { sql: { pluginName: string; databaseName: string } }> };
      services: { frontend: { rpc: { grpcPort: number; membershipPort: number } } };
      dynamicConfigClient: { filepath: string };
    };
    const stores = Object.values(config.persistence.datastores).map((store) => store.sql);
    assert.deepEqual(
      stores.map((sql) => [sql.pluginName, sql.databaseName]),
      [
        ['postgres12', 'pw_temporal'],
        ['postgres12', 'pw_temporal_visibility'],
      ],
    );
    assert.equal(config.services.frontend.rpc.grpcPort, 7233);
    assert.equal(config.services.frontend.rpc.membershipPort, 6933);
    assert.equal(config.dynamicConfigClient.filepath, '/tmp/x/dynamic.yaml');
  });

  test('dynamic config values are written as Temporal reads them: a list of constrained values per key', () => {
    assert.deepEqual(JSON.parse(dynamicConfigFile({ 'frontend.persistenceMaxQPS': 10 })), {
      'frontend.persistenceMaxQPS': [{ value: 10 }],
    });
  });

  test('PIPEWRIGHT_POSTGRES_URL: user, password and address are read; a bad one is refused naming the setting', () => {
    assert.deepEqual(parsePostgresUrl('postgres://app:s%40cret@db.internal:6543/ignored'), {
      host: 'db.internal',
      port: 6543,
      user: 'app',
      password: 's@cret',
    });
    assert.equal(
      postgresUrl({ host: 'db', port: 5432, user: 'app', password: 's@cret' }, 'pw_data'),
      'postgres://app:s%40cret@db:5432/pw_data',
    );
    assert.throws(() => parsePostgresUrl('mysql://root@localhost'), /PIPEWRIGHT_POSTGRES_URL must start with postgres/);
    assert.throws(() => parsePostgresUrl('postgres://localhost'), /must name a user/);
  });

  test('database names are identifiers the cluster made, never text that could close the quotes', () => {
    assert.equal(assertDatabaseName('pipewright_cluster_data'), 'pipewright_cluster_data');
    assert.throws(() => assertDatabaseName('x"; DROP DATABASE postgres; --'), /not a database name/);
    assert.throws(() => assertDatabaseName('Upper'), /not a database name/);
  });
});
