import { createHash, randomUUID } from 'node:crypto';
import type {
  MigrateNodeBody,
  PublishStepPackageResponse,
  publishStepPackageBody,
  StepPackageView,
} from '@pipewright/api-contract';
import { canonicalJson } from '@pipewright/compiler';
import { MIGRATE_CONFIG_WORKFLOW, type MigrateConfigInput } from '@pipewright/run-contract';
import type { CredentialManifest, StepManifest } from '@pipewright/step-sdk';
import { ActivityFailure, type Client, TimeoutFailure, WorkflowFailedError } from '@temporalio/client';
import type { z } from 'zod';
import type { AuthContext } from '../auth/auth-context.ts';
import { ApiError } from '../errors.ts';
import { type StepPackageRecord, StepPackagesRepository } from './step-packages.repository.ts';

type PublishBody = z.output<typeof publishStepPackageBody>;

/** Steps of the workspace's packages, as the catalog serves them and the compiler looks them up. */
export interface PackageCatalog {
  /** Each package's current version's steps (the palette's offer), with `taskQueue` and `package` set. */
  current: StepManifest[];
  /** Every version of every package step, newest package version first: nodes pinned to an older version. */
  all: StepManifest[];
}

/** Temporal's TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY. */
const ACTIVITY_TASK_QUEUE = 2;
/**
 * A poller counts as live when seen within this window.  Idle workers long-poll for about a minute, so "the last
 * minute" plus slack: a stopped worker reads as gone ~90 s after its last poll.
 */
const LIVE_WINDOW_MS = 90_000;

/** Task queue a package's worker polls: one per workspace and package, so packages never share workers. */
export const packageTaskQueue = (workspaceId: string, name: string): string => `pkg.${workspaceId}.${name}`;

interface StoredManifest {
  steps: StepManifest[];
  credentialTypes: CredentialManifest[];
}

export class StepPackagesService {
  readonly #repository: StepPackagesRepository;
  readonly #temporal: Client;
  readonly #coreTaskQueue: string;
  readonly #builtinTypes: ReadonlySet<string>;

  constructor(deps: {
    repository: StepPackagesRepository;
    temporal: Client;
    /** Where the `migrateConfig` workflow runs: the core worker's queue. */
    coreTaskQueue: string;
    builtinTypes: Iterable<string>;
  }) {
    this.#repository = deps.repository;
    this.#temporal = deps.temporal;
    this.#coreTaskQueue = deps.coreTaskQueue;
    this.#builtinTypes = new Set(deps.builtinTypes);
  }

  /**
   * Registers a package version.  Versions are immutable: the same content again is a no-op (`created: false`);
   * other content under a registered version is a 409.  Step types belong to one package per workspace.
   */
  async publish(auth: AuthContext, body: PublishBody): Promise<PublishStepPackageResponse> {
    const { workspaceId } = auth;
    const taskQueue = packageTaskQueue(workspaceId, body.name);
    const manifestJson = JSON.stringify({ steps: body.steps, credentialTypes: body.credentialTypes });
    const contentHash = createHash('sha256')
      .update(canonicalJson(JSON.parse(manifestJson)))
      .digest('hex');
    const existing = await this.#repository.find(workspaceId, body.name, body.version);
    if (existing) return this.#republished(existing, contentHash, taskQueue);

    this.#checkSteps(body);
    for (const record of await this.#repository.listAll(workspaceId)) {
      if (record.name === body.name) continue;
      const owned = new Set(parseManifest(record).steps.map((step) => step.type));
      const taken = body.steps.find((step) => owned.has(step.type));
      if (taken) {
        throw new ApiError(
          409,
          'step_type_taken',
          `Step type "${taken.type}" belongs to package "${record.name}" in this workspace; choose another type id`,
        );
      }
    }
    const inserted = await this.#repository.insert({
      _id: StepPackagesRepository.recordId(workspaceId, body.name, body.version),
      workspaceId,
      name: body.name,
      version: body.version,
      manifestJson,
      contentHash,
      publishedAt: new Date(),
      publishedBy: auth.email,
    });
    if (!inserted) {
      const raced = await this.#repository.find(workspaceId, body.name, body.version);
      if (raced) return this.#republished(raced, contentHash, taskQueue);
    }
    return { name: body.name, version: body.version, taskQueue, created: true };
  }

  async list(workspaceId: string): Promise<StepPackageView[]> {
    const packages = groupByPackage(await this.#repository.listAll(workspaceId));
    return Promise.all(
      [...packages.values()].map(async (versions) => {
        const current = versions[versions.length - 1] as StepPackageRecord;
        const manifest = parseManifest(current);
        const taskQueue = packageTaskQueue(workspaceId, current.name);
        return {
          name: current.name,
          version: current.version,
          versions: versions.map((record) => record.version),
          taskQueue,
          steps: manifest.steps.map((step) => ({ type: step.type, version: step.version, title: step.title })),
          credentialTypes: manifest.credentialTypes.map((credential) => credential.type),
          live: await this.isLive(taskQueue),
          publishedAt: current.publishedAt.toISOString(),
        };
      }),
    );
  }

  /** The workspace's package steps; `live` is looked up only when asked (the compiler does not need it). */
  async catalog(workspaceId: string, options: { live: boolean }): Promise<PackageCatalog> {
    const packages = groupByPackage(await this.#repository.listAll(workspaceId));
    const current: StepManifest[] = [];
    const all: StepManifest[] = [];
    for (const versions of packages.values()) {
      const latest = versions[versions.length - 1] as StepPackageRecord;
      const taskQueue = packageTaskQueue(workspaceId, latest.name);
      const live = options.live ? await this.isLive(taskQueue) : false;
      for (const record of [...versions].reverse()) {
        const steps = parseManifest(record).steps.map(
          (step): StepManifest => ({
            ...step,
            taskQueue,
            package: { name: record.name, version: record.version, live },
          }),
        );
        all.push(...steps);
        if (record === latest) current.push(...steps);
      }
    }
    return { current, all };
  }

  /**
   * The credential types the workspace's packages declare (the credentials service offers them to admins): for each
   * type, as its package's newest version declaring it describes it.  A type id two packages declare: the first
   * package registered wins.
   */
  async credentialTypes(workspaceId: string): Promise<(CredentialManifest & { packageName: string })[]> {
    const found = new Map<string, CredentialManifest & { packageName: string }>();
    for (const versions of groupByPackage(await this.#repository.listAll(workspaceId)).values()) {
      for (const record of [...versions].reverse()) {
        for (const manifest of parseManifest(record).credentialTypes ?? []) {
          if (!found.has(manifest.type)) found.set(manifest.type, { ...manifest, packageName: record.name });
        }
      }
    }
    return [...found.values()];
  }

  /** Whether a worker polled the queue's activity tasks recently (Temporal keeps the pollers it saw). */
  async isLive(taskQueue: string): Promise<boolean> {
    const response = await this.#temporal.workflowService.describeTaskQueue({
      namespace: this.#temporal.options.namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: ACTIVITY_TASK_QUEUE,
    });
    const now = Date.now();
    return (response.pollers ?? []).some((poller) => {
      const seconds = Number(poller.lastAccessTime?.seconds ?? 0);
      return now - seconds * 1000 < LIVE_WINDOW_MS;
    });
  }

  /**
   * Upgrades a node's config to the current version of a package step by running the step's `migrate` — in the
   * package's worker (third-party code never runs in the server), through the short `migrateConfig` workflow.
   */
  async migrate(workspaceId: string, body: MigrateNodeBody): Promise<Record<string, unknown>> {
    const { current } = await this.catalog(workspaceId, { live: false });
    const step = current.find((manifest) => manifest.type === body.type);
    if (!step?.taskQueue) {
      throw new ApiError(404, 'not_found', `Step type "${body.type}" is not a step of a published package here`);
    }
    if (step.version !== body.toVersion || body.fromVersion >= body.toVersion) {
      throw new ApiError(
        422,
        'invalid_migration',
        `"${body.type}" can be upgraded from an older version to its current version ${step.version}`,
      );
    }
    if (!step.migratable) {
      throw new ApiError(422, 'not_migratable', `"${body.type}" v${step.version} has no migrate: nodes stay pinned`);
    }
    if (!(await this.isLive(step.taskQueue))) throw noWorker(step);
    try {
      const config: unknown = await this.#temporal.workflow.execute(MIGRATE_CONFIG_WORKFLOW, {
        taskQueue: this.#coreTaskQueue,
        workflowId: `migrate-${randomUUID()}`,
        args: [{ taskQueue: step.taskQueue, ...body } satisfies MigrateConfigInput],
        workflowExecutionTimeout: 30_000,
      });
      if (typeof config !== 'object' || config === null || Array.isArray(config)) {
        throw new ApiError(502, 'migration_failed', `The migrate of "${body.type}" did not return a config object`);
      }
      return config as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof WorkflowFailedError)) throw error;
      const activity = error.cause instanceof ActivityFailure ? error.cause : undefined;
      if (activity?.cause instanceof TimeoutFailure) throw noWorker(step);
      const reason = activity?.cause?.message ?? error.cause?.message ?? error.message;
      throw new ApiError(422, 'migration_failed', `Upgrading "${body.type}" failed: ${reason}`);
    }
  }

  #checkSteps(body: PublishBody): void {
    const seen = new Set<string>();
    for (const step of body.steps) {
      if (this.#builtinTypes.has(step.type)) {
        throw new ApiError(409, 'step_type_taken', `Step type "${step.type}" is built in; choose another type id`);
      }
      const key = `${step.type}@${step.version}`;
      if (seen.has(key)) throw new ApiError(400, 'invalid_request', `Step "${key}" is listed twice`);
      seen.add(key);
    }
  }

  async #republished(
    existing: StepPackageRecord,
    contentHash: string,
    taskQueue: string,
  ): Promise<PublishStepPackageResponse> {
    if (existing.contentHash !== contentHash) {
      throw new ApiError(
        409,
        'version_exists',
        `${existing.name}@${existing.version} is already published with other content; bump the package version`,
      );
    }
    // Publishing it again makes it current again (e.g. `pipewright-step dev` after an edit was undone).
    await this.#repository.markCurrent(existing._id, new Date());
    return { name: existing.name, version: existing.version, taskQueue, created: false };
  }
}

function noWorker(step: StepManifest): ApiError {
  return new ApiError(
    503,
    'no_live_worker',
    `No worker is running package "${step.package?.name ?? step.type}" (task queue ${step.taskQueue ?? '?'}); start it with \`pipewright-step worker\``,
  );
}

/** Records by package name, each list oldest first (the repository's order). */
function groupByPackage(records: StepPackageRecord[]): Map<string, StepPackageRecord[]> {
  const packages = new Map<string, StepPackageRecord[]>();
  for (const record of records) {
    const list = packages.get(record.name) ?? [];
    list.push(record);
    packages.set(record.name, list);
  }
  return packages;
}

function parseManifest(record: StepPackageRecord): StoredManifest {
  // Validated by publishStepPackageBody when it was published; stored records are never edited.
  return JSON.parse(record.manifestJson) as StoredManifest;
}
