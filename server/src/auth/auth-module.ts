import { type RequestHandler, Router } from 'express';
import type { Db } from 'mongodb';
import { AccountsRepository } from './accounts.repository.ts';
import { AccountsService } from './accounts.service.ts';
import { ApiTokensRepository } from './api-tokens.repository.ts';
import { ApiTokensService } from './api-tokens.service.ts';
import { AuditRepository } from './audit.repository.ts';
import { AuditService } from './audit.service.ts';
import { createAuthRouter } from './auth.routes.ts';
import { createAuthenticate } from './authenticate.ts';
import { InvitesRepository } from './invites.repository.ts';
import { LoginLimiter } from './login-limiter.ts';
import { MembersService } from './members.service.ts';
import { SessionsRepository } from './sessions.repository.ts';
import { createWorkspaceRouter } from './workspace.routes.ts';
import { createWorkspacesRouter } from './workspaces.routes.ts';
import { WorkspacesService } from './workspaces.service.ts';

export interface AuthModule {
  accounts: AccountsService;
  members: MembersService;
  tokens: ApiTokensService;
  /** For other services: `audit.record(getAuth(res), { action, target, details })`. */
  audit: AuditService;
  /** Sets `res.locals.auth`; 401 for non-public /api routes without a valid session or token. */
  authenticate: RequestHandler;
  /** /auth/*, /workspace/members, /tokens, /audit, /workspaces, /session/workspace, /invites — mount on the /api router after `authenticate`. */
  router: Router;
}

export async function ensureAuthIndexes(db: Db): Promise<void> {
  await new AccountsRepository(db).ensureIndexes();
  await new SessionsRepository(db).ensureIndexes();
  await new ApiTokensRepository(db).ensureIndexes();
  await new InvitesRepository(db).ensureIndexes();
  await new AuditRepository(db).ensureIndexes();
}

export function createAuthModule(db: Db, options: { loginLimiter?: LoginLimiter } = {}): AuthModule {
  const accountsRepository = new AccountsRepository(db);
  const sessions = new SessionsRepository(db);
  const invites = new InvitesRepository(db);
  const audit = new AuditService(new AuditRepository(db));
  const accounts = new AccountsService({ accounts: accountsRepository, sessions, invites, audit });
  const members = new MembersService({ accounts: accountsRepository, invites, audit });
  const workspaces = new WorkspacesService({ accounts: accountsRepository, sessions, invites, audit });
  const tokens = new ApiTokensService({ tokens: new ApiTokensRepository(db), accounts: accountsRepository, audit });
  const router = Router();
  router.use(createAuthRouter({ accounts, loginLimiter: options.loginLimiter ?? new LoginLimiter() }));
  router.use(createWorkspaceRouter({ members, tokens, audit }));
  router.use(createWorkspacesRouter({ workspaces }));
  return { accounts, members, tokens, audit, authenticate: createAuthenticate({ accounts, tokens }), router };
}
