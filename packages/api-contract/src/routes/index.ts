import { alertsApiRoutes } from './alerts.ts';
import { approvalsApiRoutes } from './approvals.ts';
import { authApiRoutes } from './auth.ts';
import { contractsApiRoutes } from './contracts.ts';
import { credentialsApiRoutes } from './credentials.ts';
import { draftTestsApiRoutes } from './draft-tests.ts';
import { failuresApiRoutes } from './failures.ts';
import { fairnessApiRoutes } from './fairness.ts';
import { flowFileApiRoutes } from './flow-export.ts';
import { flowsApiRoutes } from './flows.ts';
import { hooksApiRoutes } from './hooks.ts';
import { n8nImportApiRoutes } from './n8n-import.ts';
import { operationsApiRoutes } from './operations.ts';
import { pausesApiRoutes } from './pauses.ts';
import { rateLimitsApiRoutes } from './rate-limits.ts';
import { rolloutsApiRoutes } from './rollouts.ts';
import { runHistoryApiRoutes } from './run-history.ts';
import { stepPackagesApiRoutes } from './step-packages.ts';

export type {
  ApiMethod,
  ApiOperation,
  ApiQueryParameter,
  ApiResponse,
  ApiRoutes,
  SchemaInput,
  SchemaOutput,
} from '../api-operation.ts';

/**
 * Every route of the API, one table per area.  A subpath of its own (`@pipewright/api-contract/routes`) because the
 * descriptions are long: the web imports this module's types only, never its values.
 */
export const apiRoutes = {
  ...flowsApiRoutes,
  ...authApiRoutes,
  ...credentialsApiRoutes,
  ...contractsApiRoutes,
  ...pausesApiRoutes,
  ...rateLimitsApiRoutes,
  ...fairnessApiRoutes,
  ...stepPackagesApiRoutes,
  ...operationsApiRoutes,
  ...failuresApiRoutes,
  ...alertsApiRoutes,
  ...n8nImportApiRoutes,
  ...flowFileApiRoutes,
  ...draftTestsApiRoutes,
  ...rolloutsApiRoutes,
  ...runHistoryApiRoutes,
  ...approvalsApiRoutes,
  ...hooksApiRoutes,
};

export type ApiRouteTable = typeof apiRoutes;

/** The areas' tables one by one: a path listed by two areas would lose one of them in the spread above (tested). */
export const apiRouteAreas: readonly Record<string, unknown>[] = [
  flowsApiRoutes,
  authApiRoutes,
  credentialsApiRoutes,
  contractsApiRoutes,
  pausesApiRoutes,
  fairnessApiRoutes,
  rateLimitsApiRoutes,
  stepPackagesApiRoutes,
  operationsApiRoutes,
  failuresApiRoutes,
  alertsApiRoutes,
  n8nImportApiRoutes,
  flowFileApiRoutes,
  draftTestsApiRoutes,
  rolloutsApiRoutes,
  runHistoryApiRoutes,
  approvalsApiRoutes,
  hooksApiRoutes,
];
