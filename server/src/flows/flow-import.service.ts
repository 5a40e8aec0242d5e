import {
  createFlowBody,
  FLOW_FILE_FORMAT,
  FLOW_FILE_VERSION,
  type FlowImportProblem,
  type FlowImportResponse,
  flowFileSchema,
  flowImportEnvelope,
} from '@pipewright/api-contract';
import { CORE_SUBFLOW_TYPE } from '@pipewright/control-steps';
import type { FlowDocument } from '@pipewright/flow';
import type { StepManifest } from '@pipewright/step-sdk';
import type { CatalogService } from '../catalog/catalog.service.ts';
import { ApiError, parseRequest } from '../errors.ts';
import { refuseDeepValue } from '../json-limits.ts';
import { withoutCredentials } from './flow-export.ts';
import type { FlowsService } from './flows.service.ts';

export const CREDENTIAL_UNSET = 'credential left unset: pick one';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Flow files (`GET /flows/:id/export`) become new drafts: checked like any new draft (the flow document schema and
 * depth limit), credential references removed, never published.  Node and edge ids are kept: they are scoped to one
 * document, so a new flow cannot collide with another, and expressions name nodes by id (`steps.<id>`), which a
 * rewrite could only approximate (string literals, code, a sub-flow's `outputNodeId` naming the child's nodes).
 */
export class FlowImportService {
  readonly #flows: FlowsService;
  readonly #catalog: CatalogService;
  readonly #maxDocumentDepth: number;

  constructor(deps: { flows: FlowsService; catalog: CatalogService; maxDocumentDepth: number }) {
    this.#flows = deps.flows;
    this.#catalog = deps.catalog;
    this.#maxDocumentDepth = deps.maxDocumentDepth;
  }

  async import(workspaceId: string, body: unknown): Promise<FlowImportResponse> {
    const isEnvelope = isRecord(body) && 'file' in body && !('format' in body);
    const envelope = isEnvelope ? parseRequest(flowImportEnvelope, body) : undefined;
    const prefix = isEnvelope ? 'file' : undefined;
    const raw: unknown = envelope ? envelope.file : body;
    const at = (path: string): string => (prefix ? `${prefix}.${path}` : path);
    const refuse = (path: string, message: string): never => {
      const where = at(path);
      throw new ApiError(400, 'invalid_flow_file', `${where}: ${message}`, { issues: [{ path: where, message }] });
    };

    if (!isRecord(raw)) return refuse('format', 'is not a Pipewright flow file (expected a JSON object)');
    if (raw.format !== FLOW_FILE_FORMAT) {
      return refuse('format', `must be "${FLOW_FILE_FORMAT}": this is not a Pipewright flow file`);
    }
    if (raw.formatVersion !== FLOW_FILE_VERSION) {
      return refuse(
        'formatVersion',
        `files of version ${JSON.stringify(raw.formatVersion)} cannot be imported here (this server reads version ${FLOW_FILE_VERSION})`,
      );
    }
    refuseDeepValue(raw.document, { field: at('document'), limit: this.#maxDocumentDepth, what: 'flow documents' });
    const checked = flowFileSchema.safeParse(raw);
    if (!checked.success) {
      const issues = checked.error.issues.map((issue) => {
        // An unknown top-level key is named itself; other issues by their path inside the file.
        const path =
          issue.path.map(String).join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(',') : '');
        return { path: path ? at(path) : (prefix ?? 'body'), message: issue.message };
      });
      const first = issues[0] ?? { path: at('document'), message: 'is invalid' };
      throw new ApiError(400, 'invalid_flow_file', `${first.path}: ${first.message}`, { issues });
    }
    const file = checked.data;

    const { document, removed } = withoutCredentials(file.document);
    // The same checks as any new draft (POST /flows): the name as a stored name, the document against the flow schema.
    const draft = parseRequest(createFlowBody, { name: envelope?.name ?? file.name, document });
    const report = [
      ...credentialProblems(document, await this.#catalog.forWorkspace(workspaceId), removed),
      ...flowReferenceProblems(document, new Set((await this.#flows.list(workspaceId)).map((flow) => flow.id))),
    ];
    const flow = await this.#flows.create(workspaceId, draft);
    return { flow, report };
  }
}

/**
 * One entry per credential slot of every node (and undo step) whose step declares slots, plus any reference the file
 * itself carried (a file not made by the export): the builder picks this workspace's credentials.
 */
function credentialProblems(
  document: FlowDocument,
  manifests: readonly StepManifest[],
  removed: readonly { node: string; field: string }[],
): FlowImportProblem[] {
  const slotsOf = (type: string, version: number): string[] => {
    const manifest =
      manifests.find((step) => step.type === type && step.version === version) ??
      manifests.find((step) => step.type === type);
    return Object.keys(manifest?.credentials ?? {});
  };
  const fields = new Map<string, Set<string>>();
  const add = (node: string, field: string) => {
    const set = fields.get(node) ?? new Set<string>();
    set.add(field);
    fields.set(node, set);
  };
  for (const node of document.nodes) {
    for (const slot of slotsOf(node.type, node.typeVersion)) add(node.id, `credentials.${slot}`);
    const undo = node.settings?.undo;
    if (undo)
      for (const slot of slotsOf(undo.type, undo.typeVersion)) add(node.id, `settings.undo.credentials.${slot}`);
  }
  for (const entry of removed) add(entry.node, entry.field);
  return [...fields].flatMap(([node, set]) => [...set].map((field) => ({ node, field, problem: CREDENTIAL_UNSET })));
}

/** Flows the document names (the error handler, sub-flows) that this workspace does not have: kept, but flagged. */
function flowReferenceProblems(document: FlowDocument, flowIds: ReadonlySet<string>): FlowImportProblem[] {
  const problems: FlowImportProblem[] = [];
  const errorFlowId = document.settings?.errorFlowId;
  if (errorFlowId !== undefined && !flowIds.has(errorFlowId)) {
    problems.push({
      field: 'settings.errorFlowId',
      problem: `the error handler flow "${errorFlowId}" is not in this workspace: choose another one`,
    });
  }
  for (const node of document.nodes) {
    const flowId = node.type === CORE_SUBFLOW_TYPE ? node.config.flowId : undefined;
    if (typeof flowId !== 'string' || flowId.includes('{{') || flowIds.has(flowId)) continue;
    problems.push({
      node: node.id,
      field: 'flowId',
      problem: `the sub-flow "${flowId}" is not in this workspace: pick the flow to run`,
    });
  }
  return problems;
}
