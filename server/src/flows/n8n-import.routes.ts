import { createFlowBody, type N8nImportResponse, n8nImportEnvelope } from '@pipewright/api-contract';
import { importN8nWorkflow, N8nWorkflowError } from '@pipewright/n8n-import';
import { type Response, Router } from 'express';
import { getAuth, requireRole } from '../auth/auth-context.ts';
import { ApiError, parseRequest } from '../errors.ts';
import { refuseDeepValue } from '../json-limits.ts';
import type { FlowsService } from './flows.service.ts';

/**
 * `POST /flows/import/n8n` (builder): an n8n workflow export becomes a new draft flow; the answer carries the import
 * report (every node or expression not translated).  The body is the export as is, or `{ workflow, name? }`.
 * Input that is not an n8n workflow (or is over the import's limits) is a 400 naming the field.
 */
export function createN8nImportRouter(deps: { flows: FlowsService; maxDocumentDepth: number }): Router {
  const router = Router();
  const workspaceOf = (res: Response): string => getAuth(res).workspaceId;

  router.post('/flows/import/n8n', requireRole('builder'), async (req, res) => {
    const body: unknown = req.body;
    const isEnvelope = typeof body === 'object' && body !== null && 'workflow' in body && !('nodes' in body);
    const envelope = isEnvelope ? parseRequest(n8nImportEnvelope, body) : undefined;
    const prefix = isEnvelope ? 'workflow' : undefined;
    let imported: ReturnType<typeof importN8nWorkflow>;
    try {
      imported = importN8nWorkflow(envelope ? envelope.workflow : body);
    } catch (error) {
      if (!(error instanceof N8nWorkflowError)) throw error;
      const issues = error.issues.map((issue) => ({
        path: [prefix, issue.path === 'workflow' ? undefined : issue.path].filter(Boolean).join('.') || 'body',
        message: issue.message,
      }));
      const first = issues[0] ?? { path: 'body', message: 'is not an n8n workflow' };
      throw new ApiError(400, 'invalid_n8n_workflow', `${first.path}: ${first.message}`, { issues });
    }
    refuseDeepValue(imported.document, { field: 'document', limit: deps.maxDocumentDepth, what: 'flow documents' });
    // The same checks as any new draft: the name as a stored name, the document against the flow schema.
    const draft = parseRequest(createFlowBody, { name: envelope?.name ?? imported.name, document: imported.document });
    const flow = await deps.flows.create(workspaceOf(res), draft);
    const answer: N8nImportResponse = { flow, report: imported.report };
    res.status(201).json(answer);
  });

  return router;
}
