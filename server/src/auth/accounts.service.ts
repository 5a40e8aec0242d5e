import type { LoginBody, MeResponse, SignupBody } from '@pipewright/api-contract';
import { ApiError } from '../errors.ts';
import type { AccountsRepository, UserRecord } from './accounts.repository.ts';
import type { AuditService } from './audit.service.ts';
import { type AuthContext, AuthError, type Role } from './auth-context.ts';
import type { InvitesRepository } from './invites.repository.ts';
import { dummyPasswordHash, hashPassword, newId, newSessionToken, sha256, verifyPassword } from './secrets.ts';
import type { SessionUser } from './session-user.ts';
import type { SessionsRepository } from './sessions.repository.ts';

const SESSION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
const BAD_CREDENTIALS = 'E-mail or password is wrong';

export interface SignedIn {
  /** Goes into the `pw_session` cookie; only its hash is stored. */
  sessionToken: string;
  expiresAt: Date;
  me: MeResponse;
}

/** Sign-up (first user, or through an invite), sign-in/out, and turning a session cookie into an AuthContext. */
export class AccountsService {
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

  hasUsers(): Promise<boolean> {
    return this.#accounts.hasUsers();
  }

  async signUp(body: SignupBody): Promise<SignedIn> {
    if (body.inviteToken !== undefined) return this.#acceptInvite(body, body.inviteToken);
    if (body.workspaceName === undefined) {
      throw new ApiError(400, 'invalid_request', 'workspaceName: is required', {
        issues: [{ path: 'workspaceName', message: 'is required' }],
      });
    }
    if (!(await this.#accounts.claimFirstUser())) {
      throw new ApiError(
        403,
        'signup_closed',
        'This Pipewright already has users: ask an admin of your workspace for an invite link',
      );
    }
    const user = await this.#createUser(body);
    const workspace = { _id: newId('ws'), name: body.workspaceName, createdAt: new Date() };
    await this.#accounts.insertWorkspace(workspace);
    await this.#accounts.insertMembership({ workspaceId: workspace._id, userId: user._id, role: 'admin' });
    const signedIn = await this.#startSession(user, workspace._id, 'admin');
    await this.#audit.record(authOf(signedIn.me), {
      action: 'auth.sign_up',
      target: { type: 'workspace', id: workspace._id },
    });
    return signedIn;
  }

  async logIn(body: LoginBody): Promise<SignedIn> {
    const user = await this.#accounts.findUserByEmail(body.email);
    // Hash anyway when the e-mail is unknown, so timing does not tell which addresses have accounts.
    const ok = await verifyPassword(body.password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (user === null || !ok) throw new AuthError(401, BAD_CREDENTIALS);
    // Where they last switched to, while they are still a member there; else their oldest workspace.
    const last = user.lastWorkspaceId ? await this.#accounts.findMembership(user.lastWorkspaceId, user._id) : null;
    const membership = last ?? (await this.#accounts.firstMembershipOf(user._id));
    if (membership === null) throw new AuthError(403, 'You are no longer a member of any workspace');
    const signedIn = await this.#startSession(user, membership.workspaceId, membership.role);
    await this.#audit.record(authOf(signedIn.me), { action: 'auth.sign_in', target: { type: 'user', id: user._id } });
    return signedIn;
  }

  async logOut(sessionToken: string | undefined, auth: AuthContext | undefined): Promise<void> {
    if (sessionToken !== undefined) await this.#sessions.delete(sha256(sessionToken));
    if (auth?.via === 'session') {
      await this.#audit.record(auth, { action: 'auth.sign_out', target: { type: 'user', id: auth.userId } });
    }
  }

  /**
   * The person behind a live session (null when signed out) and, when they are still a member of the session's
   * current workspace, the AuthContext to act there with their role in it (roles are per workspace).
   */
  async resolveSession(sessionToken: string): Promise<{ user: SessionUser; auth: AuthContext | null } | null> {
    const session = await this.#sessions.findLive(sha256(sessionToken), new Date());
    if (session === null) return null;
    const [membership, user] = await Promise.all([
      this.#accounts.findMembership(session.workspaceId, session.userId),
      this.#accounts.findUser(session.userId),
    ]);
    if (user === null) return null;
    const sessionUser = {
      sessionId: session._id,
      userId: user._id,
      email: user.email,
      workspaceId: session.workspaceId,
    };
    if (membership === null) return { user: sessionUser, auth: null };
    return {
      user: sessionUser,
      auth: {
        userId: user._id,
        email: user.email,
        workspaceId: session.workspaceId,
        role: membership.role,
        via: 'session',
      },
    };
  }

  async me(auth: AuthContext): Promise<MeResponse> {
    const [user, workspace] = await Promise.all([
      this.#accounts.findUser(auth.userId),
      this.#accounts.findWorkspace(auth.workspaceId),
    ]);
    if (user === null || workspace === null) throw new AuthError(401, 'Your account or workspace no longer exists');
    return {
      user: { id: user._id, email: user.email, name: user.name },
      workspace: { id: workspace._id, name: workspace.name },
      role: auth.role,
      via: auth.via,
    };
  }

  /**
   * Creates a user straight into a new or existing workspace, without an invite — for operators' scripts and tests
   * (a second workspace, members with given roles); not reachable over HTTP.
   */
  async provision(input: {
    email: string;
    password: string;
    name: string;
    role: Role;
    workspaceId?: string;
    workspaceName?: string;
  }): Promise<{ userId: string; workspaceId: string }> {
    const user = await this.#createUser({
      email: input.email.toLowerCase(),
      password: input.password,
      name: input.name,
    });
    let workspaceId = input.workspaceId;
    if (workspaceId === undefined) {
      workspaceId = newId('ws');
      await this.#accounts.insertWorkspace({
        _id: workspaceId,
        name: input.workspaceName ?? 'Workspace',
        createdAt: new Date(),
      });
    }
    await this.#accounts.insertMembership({ workspaceId, userId: user._id, role: input.role });
    return { userId: user._id, workspaceId };
  }

  async #acceptInvite(body: SignupBody, inviteToken: string): Promise<SignedIn> {
    const invite = await this.#invites.findOpen(sha256(inviteToken), new Date());
    if (invite === null) {
      throw new ApiError(404, 'invite_not_found', 'This invite link is unknown, already used or expired');
    }
    if (invite.email !== body.email) {
      throw new ApiError(400, 'invalid_request', 'email: is not the address this invite was sent to', {
        issues: [{ path: 'email', message: 'is not the address this invite was sent to' }],
      });
    }
    // Somebody with an account elsewhere joins with their existing password.
    const existing = await this.#accounts.findUserByEmail(body.email);
    if (existing !== null && !(await verifyPassword(body.password, existing.passwordHash))) {
      throw new AuthError(401, 'This e-mail already has an account: enter its password to join');
    }
    if (!(await this.#invites.markAccepted(invite._id, new Date()))) {
      throw new ApiError(404, 'invite_not_found', 'This invite link is unknown, already used or expired');
    }
    const user = existing ?? (await this.#createUser(body));
    await this.#accounts.insertMembership({ workspaceId: invite.workspaceId, userId: user._id, role: invite.role });
    const membership = await this.#accounts.findMembership(invite.workspaceId, user._id);
    const signedIn = await this.#startSession(user, invite.workspaceId, membership?.role ?? invite.role);
    await this.#audit.record(authOf(signedIn.me), {
      action: 'member.join',
      target: { type: 'user', id: user._id },
      details: { role: signedIn.me.role, inviteId: invite._id },
    });
    return signedIn;
  }

  async #createUser(body: Pick<SignupBody, 'email' | 'password' | 'name'>): Promise<UserRecord> {
    const user: UserRecord = {
      _id: newId('usr'),
      email: body.email,
      name: body.name,
      passwordHash: await hashPassword(body.password),
      createdAt: new Date(),
    };
    if (!(await this.#accounts.insertUser(user))) {
      throw new ApiError(409, 'email_taken', 'This e-mail already has an account: sign in instead');
    }
    return user;
  }

  async #startSession(user: UserRecord, workspaceId: string, role: Role): Promise<SignedIn> {
    const sessionToken = newSessionToken();
    const now = new Date();
    const expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
    await this.#sessions.insert({
      _id: sha256(sessionToken),
      userId: user._id,
      workspaceId,
      expiresAt,
      createdAt: now,
    });
    const workspace = await this.#accounts.findWorkspace(workspaceId);
    return {
      sessionToken,
      expiresAt,
      me: {
        user: { id: user._id, email: user.email, name: user.name },
        workspace: { id: workspaceId, name: workspace?.name ?? '' },
        role,
        via: 'session',
      },
    };
  }
}

function authOf(me: MeResponse): AuthContext {
  return { userId: me.user.id, email: me.user.email, workspaceId: me.workspace.id, role: me.role, via: me.via };
}
