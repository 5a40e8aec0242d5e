import type {
  FlowPauseState,
  FlowResumeState,
  PausedConnectorView,
  PausedCredentialView,
  PauseFlowBody,
  PauseStepsBody,
  PausesView,
} from '@pipewright/api-contract';
import type { StepPause } from '@pipewright/run-contract';
import type { Client } from '@temporalio/client';
import type { AuditService } from '../auth/audit.service.ts';
import type { AuthContext } from '../auth/auth-context.ts';
import type { CatalogService } from '../catalog/catalog.service.ts';
import type { CredentialsService } from '../credentials/credentials.service.ts';
import { ApiError, notFound } from '../errors.ts';
import type { FlowPause, FlowsRepository } from '../flows/flows.repository.ts';
import { toFlowPauseView } from '../flows/flows.service.ts';
import type { HeldRunsRepository } from '../runs/held-runs.repository.ts';
import type { RunsService } from '../runs/runs.service.ts';
import { pauseFlowSchedules, resumeFlowSchedules } from '../schedules/flow-pause-schedules.ts';
import type { StepPauseRecord, StepPausesRepository } from './step-pauses.repository.ts';

/** A connector type is a step type's prefix (`http` of `http.request`), as the worker's rate limits and pauses read it. */
export const connectorOfStepType = (type: string): string => type.split('.')[0] ?? type;
const CONNECTOR_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

/**
 * Kill switches.  A paused flow: its webhooks answer 503 (`reject`) or hold their runs apart from the run queue
 * (`queue`) until it resumes; its schedule and poll schedule are paused; broker subscriptions close (the worker's
 * trigger runner skips paused flows).  Runs by hand still start.  A paused connector type or credential: steps that
 * use it wait without using up attempts (the worker checks `step_pauses` before each step).  Every change is audited.
 */
export class PausesService {
  readonly #flows: FlowsRepository;
  readonly #runs: RunsService;
  readonly #held: HeldRunsRepository;
  readonly #stepPauses: StepPausesRepository;
  readonly #temporal: Client;
  readonly #catalog: CatalogService;
  readonly #credentials: CredentialsService;
  readonly #audit: AuditService;
  readonly #log: (message: string, error: unknown) => void;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(deps: {
    flows: FlowsRepository;
    runs: RunsService;
    held: HeldRunsRepository;
    stepPauses: StepPausesRepository;
    temporal: Client;
    catalog: CatalogService;
    credentials: CredentialsService;
    audit: AuditService;
    log: (message: string, error: unknown) => void;
  }) {
    this.#flows = deps.flows;
    this.#runs = deps.runs;
    this.#held = deps.held;
    this.#stepPauses = deps.stepPauses;
    this.#temporal = deps.temporal;
    this.#catalog = deps.catalog;
    this.#credentials = deps.credentials;
    this.#audit = deps.audit;
    this.#log = deps.log;
  }

  async list(workspaceId: string): Promise<PausesView> {
    const [flows, stepPauses, credentials] = await Promise.all([
      this.#flows.listPaused(workspaceId),
      this.#stepPauses.list(workspaceId),
      this.#credentials.list(workspaceId),
    ]);
    const credentialById = new Map(credentials.map((credential) => [credential.id, credential]));
    const pausedFlows = await Promise.all(
      flows.map(async (flow) => ({
        flowId: flow._id,
        flowName: flow.name,
        ...toFlowPauseView(flow.paused ?? missingPause()),
        heldRuns: await this.#runs.heldCount(workspaceId, flow._id),
      })),
    );
    const connectors: PausedConnectorView[] = [];
    const pausedCredentials: PausedCredentialView[] = [];
    for (const record of stepPauses) {
      if (record.kind === 'connector') connectors.push({ connector: record.target, ...stampOf(record) });
      else {
        const credential = credentialById.get(record.target);
        pausedCredentials.push({
          credentialId: record.target,
          // A credential deleted while paused still shows, so its pause can be lifted.
          credentialName: credential?.name ?? '(deleted credential)',
          credentialType: credential?.type ?? '',
          ...stampOf(record),
        });
      }
    }
    return { flows: pausedFlows, connectors, credentials: pausedCredentials };
  }

  async flowState(workspaceId: string, flowId: string): Promise<FlowPauseState> {
    const flow = await this.#flows.findById(workspaceId, flowId);
    if (!flow) throw notFound('Flow', flowId);
    return {
      flowId,
      paused: flow.paused ? toFlowPauseView(flow.paused) : null,
      heldRuns: await this.#runs.heldCount(workspaceId, flowId),
    };
  }

  /** Pauses the flow (again: a new mode or reason replaces the old one; held runs stay held). */
  async pauseFlow(auth: AuthContext, flowId: string, body: PauseFlowBody): Promise<FlowPauseState> {
    const { workspaceId } = auth;
    const paused: FlowPause = {
      mode: body.mode,
      by: { userId: auth.userId, email: auth.email },
      at: new Date(),
      ...(body.reason === undefined ? {} : { reason: body.reason }),
    };
    if (!(await this.#flows.setPaused(workspaceId, flowId, paused))) throw notFound('Flow', flowId);
    await pauseFlowSchedules(this.#temporal, flowId);
    await this.#audit.record(auth, {
      action: 'flow.pause',
      target: { type: 'flow', id: flowId },
      details: { mode: body.mode, ...(body.reason === undefined ? {} : { reason: body.reason }) },
    });
    return this.flowState(workspaceId, flowId);
  }

  /**
   * Resumes the flow: marks the release (so another server finishes it if this one dies), lifts the pause, unpauses
   * its schedules, then moves its held runs into the run queue in the order they were accepted.  Idempotent: resuming
   * a running flow moves any runs still held.
   */
  async resumeFlow(auth: AuthContext, flowId: string): Promise<FlowResumeState> {
    const { workspaceId } = auth;
    const flow = await this.#flows.findById(workspaceId, flowId);
    if (!flow) throw notFound('Flow', flowId);
    await this.#held.markReleasing(workspaceId, flowId, new Date());
    await this.#flows.setPaused(workspaceId, flowId, null);
    await resumeFlowSchedules(this.#temporal, flowId);
    const released = await this.#runs.releaseHeld(workspaceId, flowId);
    await this.#held.releaseDone(flowId);
    await this.#audit.record(auth, {
      action: 'flow.resume',
      target: { type: 'flow', id: flowId },
      details: { released, ...(flow.paused ? { mode: flow.paused.mode } : {}) },
    });
    return { ...(await this.flowState(workspaceId, flowId)), released };
  }

  async pauseConnector(auth: AuthContext, connector: string, body: PauseStepsBody): Promise<PausedConnectorView> {
    await this.#checkConnector(auth.workspaceId, connector);
    const record = await this.#pause(auth, { kind: 'connector', id: connector }, body);
    return { connector, ...stampOf(record) };
  }

  async resumeConnector(auth: AuthContext, connector: string): Promise<void> {
    await this.#checkConnector(auth.workspaceId, connector);
    await this.#resume(auth, { kind: 'connector', id: connector });
  }

  async pauseCredential(auth: AuthContext, credentialId: string, body: PauseStepsBody): Promise<PausedCredentialView> {
    const credential = await this.#credential(auth.workspaceId, credentialId);
    const record = await this.#pause(auth, { kind: 'credential', id: credentialId }, body);
    return { credentialId, credentialName: credential.name, credentialType: credential.type, ...stampOf(record) };
  }

  /** Also lifts the pause of a credential deleted meanwhile (it is still listed). */
  async resumeCredential(auth: AuthContext, credentialId: string): Promise<void> {
    const pause: StepPause = { kind: 'credential', id: credentialId };
    if ((await this.#stepPauses.find(auth.workspaceId, pause)) === null) {
      await this.#credential(auth.workspaceId, credentialId);
    }
    await this.#resume(auth, pause);
  }

  /** Looks for resumes a server did not finish (it died midway) every `everyMs`, and finishes them. */
  startSweeping(everyMs = 5_000): void {
    this.#timer ??= setInterval(() => {
      this.sweepReleases().catch((error: unknown) => this.#log('could not finish the release of held runs', error));
    }, everyMs);
    this.#timer.unref();
  }

  stopSweeping(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Finishes unfinished resumes: a flow paused again meanwhile keeps its held runs for its next resume. */
  async sweepReleases(): Promise<void> {
    for (const { workspaceId, flowId } of await this.#held.unfinishedReleases()) {
      const flow = await this.#flows.findById(workspaceId, flowId);
      if (flow && flow.paused === undefined) await this.#runs.releaseHeld(workspaceId, flowId);
      await this.#held.releaseDone(flowId);
    }
  }

  async #pause(auth: AuthContext, pause: StepPause, body: PauseStepsBody): Promise<StepPauseRecord> {
    const record = await this.#stepPauses.put({
      workspaceId: auth.workspaceId,
      kind: pause.kind,
      target: pause.id,
      by: { userId: auth.userId, email: auth.email },
      at: new Date(),
      ...(body.reason === undefined ? {} : { reason: body.reason }),
    });
    await this.#audit.record(auth, {
      action: `${pause.kind}.pause`,
      target: { type: pause.kind, id: pause.id },
      ...(body.reason === undefined ? {} : { details: { reason: body.reason } }),
    });
    return record;
  }

  async #resume(auth: AuthContext, pause: StepPause): Promise<void> {
    const wasPaused = await this.#stepPauses.remove(auth.workspaceId, pause);
    await this.#audit.record(auth, {
      action: `${pause.kind}.resume`,
      target: { type: pause.kind, id: pause.id },
      details: { wasPaused },
    });
  }

  /** 400 for a name that cannot be a connector type, 404 for one no step of the workspace has. */
  async #checkConnector(workspaceId: string, connector: string): Promise<void> {
    if (!CONNECTOR_PATTERN.test(connector)) {
      throw new ApiError(
        400,
        'invalid_request',
        'connector: must be a connector type such as "http" (letters, digits, "-" and "_", at most 100)',
      );
    }
    const manifests = await this.#catalog.forWorkspace(workspaceId);
    if (!manifests.some((manifest) => connectorOfStepType(manifest.type) === connector)) {
      throw new ApiError(
        404,
        'not_found',
        `connector: no step of this workspace has the connector type "${connector}"`,
      );
    }
  }

  async #credential(workspaceId: string, credentialId: string) {
    const credential = (await this.#credentials.list(workspaceId)).find((item) => item.id === credentialId);
    if (!credential) throw notFound('Credential', credentialId);
    return credential;
  }
}

function stampOf(record: StepPauseRecord) {
  return {
    by: record.by,
    at: record.at.toISOString(),
    ...(record.reason === undefined ? {} : { reason: record.reason }),
  };
}

/** listPaused only returns flows with a pause; this keeps the types honest without a cast. */
function missingPause(): never {
  throw new Error('a flow listed as paused has no pause');
}
