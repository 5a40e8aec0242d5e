import type {
  AcceptInviteBody,
  MeResponse,
  MyWorkspaceView,
  PendingInviteView,
  WorkspaceRole,
} from '@pipewright/api-contract';
import { ApiError, notFound } from '../errors.ts';
import type { AccountsRepository } from './accounts.repository.ts';
import type { AuditService } from './audit.service.ts';
import { type AuthContext, AuthError } from './auth-context.ts';
import type { InviteRecord, InvitesRepository } from './invites.repository.ts';
import { newId, sha256 } from './secrets.ts';
import type { SessionUser } from './session-user.ts';
import type { SessionsRepository } from './sessions.repository.ts';

const inviteGone = (): ApiError =>
  new ApiError(404, 'invite_not_found', 'This invite is unknown, already used or expired');

/**
 * A person's several workspaces: list them with their role in each, create another (its admin), switch the
 * browser session between them, and join one through an invite while signed in (no new account or password).
 * A workspace the user is not a member of reads as 404, never "exists but forbidden".
 */
export class WorkspacesService {
  readonly #accounts: AccountsRepository;
  readonly #sessions: SessionsRepository;
  readonly #invites: InvitesRepository;
  readonly #audit: AuditService;

  constructor(deps: {
    accounts: AccountsRepository;
    sessions: SessionsRepository;
    invites: InvitesRepository;
    audit: AuditService;
  }) {
    this.#accounts = deps.accounts;
    this.#sessions = deps.sessions;
    this.#invites = deps.invites;
    this.#audit = deps.audit;
  }

  async list(user: SessionUser): Promise<MyWorkspaceView[]> {
    const memberships = await this.#accounts.listMembershipsOf(user.userId);
    const names = new Map(
      (await this.#accounts.findWorkspaces(memberships.map((m) => m.workspaceId))).map((w) => [w._id, w.name]),
    );
    return memberships.flatMap((membership) => {
      const name = names.get(membership.workspaceId);
      if (name === undefined) return [];
      return [
        {
          id: membership.workspaceId,
          name,
          role: membership.role,
          current: membership.workspaceId === user.workspaceId,
        },
      ];
    });
  }

  /** A new workspace with the caller as its only member and admin; the session stays where it is. */
  async create(user: SessionUser, name: string): Promise<MyWorkspaceView> {
    const workspace = { _id: newId('ws'), name, createdAt: new Date() };
    await this.#accounts.insertWorkspace(workspace);
    await this.#accounts.insertMembership({ workspaceId: workspace._id, userId: user.userId, role: 'admin' });
    await this.#audit.record(actorIn(user, workspace._id, 'admin'), {
      action: 'workspace.create',
      target: { type: 'workspace', id: workspace._id },
      details: { name },
    });
    return { id: workspace._id, name, role: 'admin', current: false };
  }

  /** The session acts in `workspaceId` from the next request on, with the user's role there. */
  async switchTo(user: SessionUser, workspaceId: string): Promise<MeResponse> {
    const [membership, workspace, account] = await Promise.all([
      this.#accounts.findMembership(workspaceId, user.userId),
      this.#accounts.findWorkspace(workspaceId),
      this.#accounts.findUser(user.userId),
    ]);
    if (membership === null || workspace === null) throw notFound('Workspace', workspaceId);
    if (account === null) throw new AuthError(401, 'Your account no longer exists');
    if (!(await this.#sessions.setWorkspace(user.sessionId, workspaceId))) {
      throw new AuthError(401, 'Your session has ended: sign in again');
    }
    await this.#accounts.setLastWorkspace(user.userId, workspaceId);
    if (workspaceId !== user.workspaceId) {
      await this.#audit.record(actorIn(user, workspaceId, membership.role), {
        action: 'workspace.switch',
        target: { type: 'workspace', id: workspaceId },
        details: { from: user.workspaceId },
      });
    }
    return {
      user: { id: account._id, email: account.email, name: account.name },
      workspace: { id: workspace._id, name: workspace.name },
      role: membership.role,
      via: 'session',
    };
  }

  /** Open invites sent to the user's e-mail, for workspaces they are not in yet. */
  async pendingInvites(user: SessionUser): Promise<PendingInviteView[]> {
    const invites = await this.#invites.listOpenForEmail(user.email, new Date());
    const mine = new Set((await this.#accounts.listMembershipsOf(user.userId)).map((m) => m.workspaceId));
    const open = invites.filter((invite) => !mine.has(invite.workspaceId));
    if (open.length === 0) return [];
    const [workspaces, inviters] = await Promise.all([
      this.#accounts.findWorkspaces([...new Set(open.map((invite) => invite.workspaceId))]),
      this.#accounts.findUsers([...new Set(open.map((invite) => invite.invitedBy))]),
    ]);
    const names = new Map(workspaces.map((w) => [w._id, w.name]));
    const emails = new Map(inviters.map((u) => [u._id, u.email]));
    return open.flatMap((invite) => {
      const name = names.get(invite.workspaceId);
      if (name === undefined) return [];
      return [
        {
          id: invite._id,
          workspace: { id: invite.workspaceId, name },
          role: invite.role,
          invitedBy: emails.get(invite.invitedBy) ?? null,
          expiresAt: invite.expiresAt.toISOString(),
        },
      ];
    });
  }

  /**
   * The signed-in user joins the invite's workspace with the invited role (or keeps the role they already have
   * there).  An invite sent to another address is not theirs to accept.
   */
  async acceptInvite(user: SessionUser, body: AcceptInviteBody): Promise<MyWorkspaceView> {
    const now = new Date();
    const invite =
      body.token !== undefined
        ? await this.#invites.findOpen(sha256(body.token), now)
        : await this.#invites.findOpenById(body.inviteId ?? '', now);
    if (invite === null) throw inviteGone();
    if (invite.email !== user.email) {
      // By id, somebody else's invite does not exist for this user; by link, say why it does not work.
      if (body.token === undefined) throw inviteGone();
      throw new ApiError(
        403,
        'invite_for_another_email',
        'This invite was sent to another e-mail address: sign in with that address to accept it',
      );
    }
    return this.#join(user, invite, now);
  }

  async #join(user: SessionUser, invite: InviteRecord, now: Date): Promise<MyWorkspaceView> {
    const workspace = await this.#accounts.findWorkspace(invite.workspaceId);
    if (workspace === null) throw inviteGone();
    if (!(await this.#invites.markAccepted(invite._id, now))) throw inviteGone();
    await this.#accounts.insertMembership({ workspaceId: invite.workspaceId, userId: user.userId, role: invite.role });
    const membership = await this.#accounts.findMembership(invite.workspaceId, user.userId);
    const role: WorkspaceRole = membership?.role ?? invite.role;
    await this.#audit.record(actorIn(user, invite.workspaceId, role), {
      action: 'member.join',
      target: { type: 'user', id: user.userId },
      details: { role, inviteId: invite._id, signedIn: true },
    });
    return { id: workspace._id, name: workspace.name, role, current: workspace._id === user.workspaceId };
  }
}

function actorIn(user: SessionUser, workspaceId: string, role: WorkspaceRole): AuthContext {
  return { userId: user.userId, email: user.email, workspaceId, role, via: 'session' };
}
