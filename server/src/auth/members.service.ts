import type { CreatedInviteResponse, InviteMemberBody, InviteView, MembersResponse } from '@pipewright/api-contract';
import { ApiError, notFound } from '../errors.ts';
import type { AccountsRepository } from './accounts.repository.ts';
import type { AuditService } from './audit.service.ts';
import type { AuthContext, Role } from './auth-context.ts';
import type { InviteRecord, InvitesRepository } from './invites.repository.ts';
import { newId, newInviteToken, sha256 } from './secrets.ts';

const INVITE_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

/** An admin's view of the workspace's members: list, invite with a role, change a role, remove. */
export class MembersService {
  readonly #accounts: AccountsRepository;
  readonly #invites: InvitesRepository;
  readonly #audit: AuditService;

  constructor(deps: {
    accounts: AccountsRepository;
    invites: InvitesRepository;
    audit: AuditService;
  }) {
    this.#accounts = deps.accounts;
    this.#invites = deps.invites;
    this.#audit = deps.audit;
  }

  async list(workspaceId: string): Promise<MembersResponse> {
    const memberships = await this.#accounts.listMemberships(workspaceId);
    const users = new Map(
      (await this.#accounts.findUsers(memberships.map((m) => m.userId))).map((user) => [user._id, user]),
    );
    const members = memberships.flatMap((membership) => {
      const user = users.get(membership.userId);
      if (user === undefined) return [];
      return [
        {
          userId: user._id,
          email: user.email,
          name: user.name,
          role: membership.role,
          joinedAt: membership.createdAt.toISOString(),
        },
      ];
    });
    const invites = (await this.#invites.listOpen(workspaceId, new Date())).map(inviteView);
    return { members, invites };
  }

  async invite(auth: AuthContext, body: InviteMemberBody): Promise<CreatedInviteResponse> {
    const existing = await this.#accounts.findUserByEmail(body.email);
    if (existing !== null && (await this.#accounts.findMembership(auth.workspaceId, existing._id)) !== null) {
      throw new ApiError(409, 'already_member', `${body.email} is already a member of this workspace`);
    }
    const token = newInviteToken();
    const now = new Date();
    const invite: InviteRecord = {
      _id: newId('inv'),
      workspaceId: auth.workspaceId,
      email: body.email,
      role: body.role,
      tokenHash: sha256(token),
      invitedBy: auth.userId,
      expiresAt: new Date(now.getTime() + INVITE_LIFETIME_MS),
      createdAt: now,
    };
    await this.#invites.insert(invite);
    await this.#audit.record(auth, {
      action: 'member.invite',
      target: { type: 'invite', id: invite._id },
      details: { email: body.email, role: body.role },
    });
    return { invite: inviteView(invite), token, link: `/signup?invite=${encodeURIComponent(token)}` };
  }

  async changeRole(auth: AuthContext, userId: string, role: Role): Promise<void> {
    const membership = await this.#accounts.findMembership(auth.workspaceId, userId);
    if (membership === null) throw notFound('Member', userId);
    if (membership.role === role) return;
    if (membership.role === 'admin') await this.#keepAnAdmin(auth.workspaceId, 'demote');
    await this.#accounts.setRole(auth.workspaceId, userId, role);
    await this.#audit.record(auth, {
      action: 'member.role_change',
      target: { type: 'user', id: userId },
      details: { from: membership.role, to: role },
    });
  }

  async remove(auth: AuthContext, userId: string): Promise<void> {
    const membership = await this.#accounts.findMembership(auth.workspaceId, userId);
    if (membership === null) throw notFound('Member', userId);
    if (membership.role === 'admin') await this.#keepAnAdmin(auth.workspaceId, 'remove');
    await this.#accounts.deleteMembership(auth.workspaceId, userId);
    // Every request re-reads the membership: their API tokens of this workspace stop working, and a session acting
    // here can no longer act (401) but stays signed in, so they can switch to their other workspaces.  Their
    // memberships elsewhere are untouched.
    await this.#audit.record(auth, {
      action: 'member.remove',
      target: { type: 'user', id: userId },
      details: { role: membership.role },
    });
  }

  /**
   * 409 when the change would leave no admin.  Counted, then changed: two admins demoting each other at the same
   * instant could both pass (no transactions on FerretDB); rare, and another admin-less recovery is an operator's.
   */
  async #keepAnAdmin(workspaceId: string, what: 'demote' | 'remove'): Promise<void> {
    if ((await this.#accounts.countAdmins(workspaceId)) > 1) return;
    throw new ApiError(409, 'last_admin', `Cannot ${what} the workspace's last admin: make someone else admin first`);
  }
}

function inviteView(invite: InviteRecord): InviteView {
  return { id: invite._id, email: invite.email, role: invite.role, expiresAt: invite.expiresAt.toISOString() };
}
