import type { CredentialResolver } from '@pipewright/step-host';
import type { AnyStepDefinition } from '@pipewright/step-sdk';
import { Client, Connection } from '@temporalio/client';
import { MongoClient } from 'mongodb';
import { type StartRun, startTriggerRunner, type TriggerRunner } from './trigger-runner.ts';

export interface TriggerServiceOptions {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  /** The server's database (flows, flow_versions). */
  mongoUri: string;
  dbName: string;
  steps: AnyStepDefinition[];
  credentials?: CredentialResolver | undefined;
  syncIntervalMs?: number;
  /** TriggerRunnerOptions.memberId */
  memberId?: string;
  /** TriggerRunnerOptions.fairness */
  fairness?: boolean;
  startRun?: StartRun;
}

/** The trigger runner with its own Temporal client and MongoDB connection, for the worker process to own. */
export async function startTriggerService(
  options: TriggerServiceOptions,
): Promise<{ runner: TriggerRunner; stop(): Promise<void> }> {
  const [connection, mongo] = await Promise.all([
    Connection.connect({ address: options.temporalAddress }),
    MongoClient.connect(options.mongoUri),
  ]);
  const runner = await startTriggerRunner({
    client: new Client({ connection, namespace: options.namespace }),
    db: mongo.db(options.dbName),
    steps: options.steps,
    taskQueue: options.taskQueue,
    credentials: options.credentials,
    ...(options.syncIntervalMs === undefined ? {} : { syncIntervalMs: options.syncIntervalMs }),
    ...(options.memberId === undefined ? {} : { memberId: options.memberId }),
    ...(options.fairness === undefined ? {} : { fairness: options.fairness }),
    ...(options.startRun ? { startRun: options.startRun } : {}),
  });
  return {
    runner,
    async stop() {
      await runner.stop();
      await connection.close();
      await mongo.close();
    },
  };
}
