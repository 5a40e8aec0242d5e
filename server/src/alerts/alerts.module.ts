import type { Client } from '@temporalio/client';
import type { Router } from 'express';
import type { Db } from 'mongodb';
import type { AuditService } from '../auth/audit.service.ts';
import { ApiError } from '../errors.ts';
import { AlertDelivery } from './alert-delivery.ts';
import { AlertEvaluator, type AlertEvaluatorDeps } from './alert-evaluator.ts';
import { AlertEventsRepository } from './alert-events.repository.ts';
import { AlertRulesRepository } from './alert-rules.repository.ts';
import { createAlertsRouter } from './alerts.routes.ts';
import { AlertsService } from './alerts.service.ts';
import { RunActivity } from './run-activity.ts';

/** How often every server evaluates the alert rules (`PIPEWRIGHT_ALERTS_EVERY_MS`), unless told otherwise. */
export const DEFAULT_ALERTS_EVERY_MS = 30_000;

export interface AlertsModuleDeps {
  db: Db;
  temporal: Client;
  /** Where the worker runs built-in steps: the `deliverAlert` workflows go there. */
  taskQueue: string;
  audit: AuditService;
  /** The flow's name; a 404 ApiError when the flow is not in the workspace. */
  flowName: (workspaceId: string, flowId: string) => Promise<string>;
  /** The workspace's credentials, ids and types only. */
  credentials: (workspaceId: string) => Promise<{ id: string; type: string }[]>;
  publicBaseUrl?: string | undefined;
  log: (message: string, error: unknown) => void;
  /** The evaluator's clock (tests move it forward). */
  now?: () => Date;
  /** The workspace's runs waiting to start, for `waiting_age` rules. */
  waiting?: AlertEvaluatorDeps['waiting'];
}

export async function ensureAlertIndexes(db: Db): Promise<void> {
  await new AlertRulesRepository(db).ensureIndexes();
  await new AlertEventsRepository(db).ensureIndexes();
}

/** The alerts feature wired for createApp: repositories → service and evaluator → routes. */
export function createAlertsModule(deps: AlertsModuleDeps): {
  router: Router;
  service: AlertsService;
  evaluator: AlertEvaluator;
} {
  const rules = new AlertRulesRepository(deps.db);
  const events = new AlertEventsRepository(deps.db);
  const delivery = new AlertDelivery({ temporal: deps.temporal, taskQueue: deps.taskQueue, events, log: deps.log });
  const base = deps.publicBaseUrl?.replace(/\/+$/, '');
  const flowLink = (flowId: string) =>
    base === undefined ? undefined : `${base}/flows/${encodeURIComponent(flowId)}/runs`;
  const service = new AlertsService({
    rules,
    events,
    delivery,
    audit: deps.audit,
    flowName: deps.flowName,
    credentials: deps.credentials,
    flowLink,
  });
  const evaluator = new AlertEvaluator({
    rules,
    activity: new RunActivity({ temporal: deps.temporal, db: deps.db }),
    delivery,
    flowName: (workspaceId, flowId) =>
      deps.flowName(workspaceId, flowId).catch((error: unknown) => {
        // A deleted flow's rules wait for their own deletion; anything else is the round's failure.
        if (error instanceof ApiError && error.status === 404) return undefined;
        throw error;
      }),
    flowLink,
    log: deps.log,
    ...(deps.now === undefined ? {} : { now: deps.now }),
    ...(deps.waiting === undefined ? {} : { waiting: deps.waiting }),
  });
  return { router: createAlertsRouter({ alerts: service }), service, evaluator };
}
