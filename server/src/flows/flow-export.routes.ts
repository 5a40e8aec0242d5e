import { type Response, Router } from 'express';
import { z } from 'zod';
import { getAuth, requireRole } from '../auth/auth-context.ts';
import { parseRequest } from '../errors.ts';
import { flowFileName, serializeFlowFile } from './flow-export.ts';
import { type FlowsService, parseDocument } from './flows.service.ts';

const exportQuery = z.object({ version: z.coerce.number().int().min(1).optional() });

/**
 * `GET /flows/:id/export[?version=N]` (viewer): the draft (or published version N) as a flow file download,
 * `<flow name>.pipewright.json`, without credential references (flow-export.ts).
 */
export function createFlowExportRouter(deps: { flows: FlowsService }): Router {
  const router = Router();
  const workspaceOf = (res: Response): string => getAuth(res).workspaceId;

  router.get('/flows/:id/export', requireRole('viewer'), async (req, res) => {
    const query = parseRequest(exportQuery, req.query, 'query');
    const workspaceId = workspaceOf(res);
    const flow = await deps.flows.getRecord(workspaceId, req.params.id);
    let text: string;
    if (query.version === undefined) {
      text = serializeFlowFile({
        name: flow.name,
        document: parseDocument(flow.documentJson),
        savedAt: flow.updatedAt,
      });
    } else {
      const version = await deps.flows.getVersionRecord(workspaceId, flow._id, query.version);
      text = serializeFlowFile({
        name: flow.name,
        document: parseDocument(version.documentJson),
        savedAt: version.createdAt,
        version: version.version,
      });
    }
    res.attachment(flowFileName(flow.name));
    res.type('application/json');
    res.set('cache-control', 'no-store');
    res.send(text);
  });

  return router;
}
