import type { ApiOperation, ApiResponse } from '@pipewright/api-contract/routes';
import { apiRoutes } from '@pipewright/api-contract/routes';
import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';

/**
 * Checks that the server answers what the API contract says: every JSON body sent with a status whose response in the
 * route table has a schema must parse with that schema.  The test harness turns it on for every server test, so
 * the OpenAPI document and the web's types are proven against real answers, not only written beside them.
 */

interface RouteTemplate {
  path: string;
  pattern: RegExp;
  /** Literal segments: `/api/flows/import` beats `/api/flows/{id}`. */
  literals: number;
  operations: Readonly<Partial<Record<string, ApiOperation>>>;
}

const templates: RouteTemplate[] = Object.entries(apiRoutes)
  .map(([path, operations]) => ({
    path,
    pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '[^/]+')}$`),
    literals: path.split('/').filter((segment) => segment !== '' && !segment.startsWith('{')).length,
    operations: operations as Readonly<Partial<Record<string, ApiOperation>>>,
  }))
  .sort((a, b) => b.literals - a.literals);

/** The schema of the answer `status` to `method path`, when the contract gives one. */
export function responseSchemaFor(method: string, path: string, status: number): z.ZodType | undefined {
  const template = templates.find((candidate) => candidate.pattern.test(path));
  const response: string | ApiResponse | undefined = template?.operations[method.toLowerCase()]?.responses[status];
  return typeof response === 'object' ? response.body : undefined;
}

export interface ContractViolation {
  route: string;
  status: number;
  problems: string[];
}

/** Middleware: wraps `res.json` to check the body; a mismatch is reported and answered as a 500 naming it. */
export function checkResponsesAgainstContract(report: (violation: ContractViolation) => void) {
  return (req: Request, res: Response, next: NextFunction) => {
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      const schema = responseSchemaFor(req.method, req.originalUrl.split('?')[0] ?? '', res.statusCode);
      // What the client receives: keys set to undefined are dropped by JSON, as the schemas expect.
      const parsed = schema?.safeParse(body === undefined ? body : JSON.parse(JSON.stringify(body)));
      if (parsed && !parsed.success) {
        const violation = {
          route: `${req.method} ${req.originalUrl}`,
          status: res.statusCode,
          problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`),
        };
        report(violation);
        res.status(500);
        return json({
          error: {
            code: 'contract_violation',
            message: `${violation.route} answered ${violation.status} with a body its contract refuses: ${violation.problems.join('; ')}`,
          },
        });
      }
      return json(body);
    };
    next();
  };
}

/** What test harnesses pass as `checkResponses`: the mismatch on stderr, beside the failing test's output. */
export function printContractViolation(violation: ContractViolation): void {
  console.error(`contract violation: ${violation.route} → ${violation.status}: ${violation.problems.join('; ')}`);
}
