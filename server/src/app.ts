import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import express from 'express';
import type { Db } from 'mongodb';
import { createCatalogRouter } from './catalog.routes.ts';
import { CatalogService } from './catalog.service.ts';
import { createErrorHandler, unknownApiRoute } from './errors.ts';
import { FlowVersionsRepository } from './flow-versions.repository.ts';
import { FlowsRepository } from './flows.repository.ts';
import { createFlowsRouter } from './flows.routes.ts';
import { FlowsService } from './flows.service.ts';
import { createHealthRouter } from './health.routes.ts';
import { createHooksRouter } from './hooks.routes.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { RunsRepository } from './runs.repository.ts';
import { createRunsRouter } from './runs.routes.ts';
import { RunsService } from './runs.service.ts';
import { TriggersService } from './triggers.service.ts';

export interface AppDeps {
  db: Db;
  temporal: Client;
  /** Task queue of the runFlow workflow, and the default for step activities. */
  taskQueue: string;
  workspaceId?: string;
  /** The built web app (web/dist); served with an index.html fallback when the folder exists. */
  webDistDir?: string;
  publicBaseUrl?: string;
  log?: (message: string, error: unknown) => void;
}

const defaultLog = (message: string, error: unknown): void => {
  console.error(`[server] ${message}`, error);
};

/** Creates the collections' indexes (idempotent; FerretDB-compatible: plain and unique indexes only). */
export async function ensureIndexes(db: Db): Promise<void> {
  await new FlowsRepository(db).ensureIndexes();
  await new FlowVersionsRepository(db).ensureIndexes();
  await new RunsRepository(db).ensureIndexes();
}

/** Wires repositories → services → routes into an Express app; does not listen and reads no environment. */
export async function createApp(deps: AppDeps): Promise<express.Express> {
  const workspaceId = deps.workspaceId ?? 'default';
  const log = deps.log ?? defaultLog;
  await ensureIndexes(deps.db);

  const flowRecords = new FlowsRepository(deps.db);
  const versions = new FlowVersionsRepository(deps.db);
  const catalog = new CatalogService({ defaultTaskQueue: deps.taskQueue });
  const flows = new FlowsService({ flows: flowRecords, versions, catalog });
  const runs = new RunsService({
    runs: new RunsRepository(deps.db),
    versions,
    temporal: deps.temporal,
    taskQueue: deps.taskQueue,
  });
  const triggers = new TriggersService({ flows, flowRecords, catalog, runs });
  const openApi = buildOpenApiDocument({ publicBaseUrl: deps.publicBaseUrl });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);

  const api = express.Router();
  api.use(express.json({ limit: '5mb' }));
  api.use(createHealthRouter({ db: deps.db, temporal: deps.temporal }));
  api.use(createCatalogRouter({ catalog }));
  api.use(createFlowsRouter({ flows, triggers, workspaceId }));
  api.use(createRunsRouter({ runs, workspaceId, log }));
  api.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  api.use(unknownApiRoute);
  app.use('/api', api);
  app.use('/hooks', createHooksRouter({ triggers }), unknownApiRoute);

  if (deps.webDistDir !== undefined && existsSync(path.join(deps.webDistDir, 'index.html'))) {
    const root = path.resolve(deps.webDistDir);
    app.use(express.static(root, { index: false }));
    app.use((req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      res.sendFile(path.join(root, 'index.html'));
    });
  }

  app.use(createErrorHandler(log));
  return app;
}
