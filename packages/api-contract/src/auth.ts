/**
 * Users, workspaces, members, API tokens and the audit log: request bodies (strict zod schemas — a client cannot
 * set `workspaceId`, `userId`, `role` on itself or any other server-owned field) and response types.
 */

import { z } from 'zod';
import { nameText } from './text.ts';

export const roles = ['admin', 'developer', 'builder', 'viewer'] as const;
export const roleSchema = z.enum(roles);
export type WorkspaceRole = z.infer<typeof roleSchema>;

const email = z.string().trim().toLowerCase().max(254).pipe(z.email('is not an e-mail address'));
const password = z.string().min(10, 'needs at least 10 characters').max(256);

export const signupBody = z
  .object({
    email,
    password,
    name: nameText(200),
    /** The first user's workspace; ignored when joining through an invite. */
    workspaceName: nameText(200).optional(),
    /** From an invite link: joins that workspace with the invited role. */
    inviteToken: z.string().min(1).max(200).optional(),
  })
  .strict();

export const loginBody = z.object({ email, password: z.string().min(1, 'is required').max(256) }).strict();

export const inviteMemberBody = z.object({ email, role: roleSchema }).strict();

export const updateMemberBody = z.object({ role: roleSchema }).strict();

export const createApiTokenBody = z
  .object({
    name: nameText(100),
    /** At most the creator's role; defaults to it. */
    role: roleSchema.optional(),
  })
  .strict();

export type SignupBody = z.infer<typeof signupBody>;
export type LoginBody = z.infer<typeof loginBody>;
export type InviteMemberBody = z.infer<typeof inviteMemberBody>;
export type UpdateMemberBody = z.infer<typeof updateMemberBody>;
export type CreateApiTokenBody = z.input<typeof createApiTokenBody>;

export interface UserView {
  id: string;
  email: string;
  name: string;
}

export interface WorkspaceView {
  id: string;
  name: string;
}

/** GET /api/auth/me, and the answer to sign-up and login. */
export interface MeResponse {
  user: UserView;
  workspace: WorkspaceView;
  role: WorkspaceRole;
  via: 'session' | 'token';
}

/** Whether anybody has signed up yet: the web shows "Create your workspace" on first run. */
export interface AuthStatusResponse {
  hasUsers: boolean;
}

export interface MemberView {
  userId: string;
  email: string;
  name: string;
  role: WorkspaceRole;
  joinedAt: string;
}

export interface InviteView {
  id: string;
  email: string;
  role: WorkspaceRole;
  expiresAt: string;
}

export interface MembersResponse {
  members: MemberView[];
  invites: InviteView[];
}

/** The invite token is shown once; `link` is the web app's sign-up path carrying it. */
export interface CreatedInviteResponse {
  invite: InviteView;
  token: string;
  link: string;
}

export interface ApiTokenView {
  id: string;
  name: string;
  /** The first characters of the token, to recognise it; never the whole token. */
  prefix: string;
  role: WorkspaceRole;
  userId: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** `token` (`pw_…`) is shown this once; only its hash is stored. */
export interface CreatedApiTokenResponse {
  token: string;
  apiToken: ApiTokenView;
}

export interface AuditEntryView {
  id: string;
  at: string;
  actor: { userId: string | null; email: string | null; via: 'session' | 'token' | 'system' };
  action: string;
  target: { type: string; id: string };
  details?: Record<string, unknown>;
}

// ── Several workspaces per user ─────────────────────────────────────────────────────────────────────────────────

/** POST /api/workspaces: a signed-in user creates another workspace and becomes its admin. */
export const createWorkspaceBody = z.object({ name: nameText(200) }).strict();

/** POST /api/session/workspace: the browser session acts in this workspace from now on (a member of it only). */
export const switchWorkspaceBody = z.object({ workspaceId: z.string().trim().min(1, 'is required').max(100) }).strict();

/** POST /api/invites/accept: the signed-in user joins through an invite — by its link's token, or by its id. */
export const acceptInviteBody = z
  .object({
    /** From the invite link (`/signup?invite=…`). */
    token: z.string().min(1, 'is required').max(200).optional(),
    /** From GET /api/invites (invites sent to the signed-in user's e-mail). */
    inviteId: z.string().min(1, 'is required').max(100).optional(),
  })
  .strict()
  .refine((body) => (body.token === undefined) !== (body.inviteId === undefined), {
    message: 'give either the invite link’s token or an inviteId',
    path: ['token'],
  });

export type CreateWorkspaceBody = z.infer<typeof createWorkspaceBody>;
export type SwitchWorkspaceBody = z.infer<typeof switchWorkspaceBody>;
export type AcceptInviteBody = z.infer<typeof acceptInviteBody>;

/** One of the signed-in user's workspaces, with their role there (roles are per workspace). */
export interface MyWorkspaceView {
  id: string;
  name: string;
  role: WorkspaceRole;
  /** The workspace the session acts in now. */
  current: boolean;
}

/** GET /api/workspaces. */
export interface MyWorkspacesResponse {
  items: MyWorkspaceView[];
}

/** An open invite sent to the signed-in user's e-mail (GET /api/invites). */
export interface PendingInviteView {
  id: string;
  workspace: WorkspaceView;
  role: WorkspaceRole;
  /** The inviting admin's e-mail, when their account still exists. */
  invitedBy: string | null;
  expiresAt: string;
}

/** GET /api/invites. */
export interface PendingInvitesResponse {
  items: PendingInviteView[];
}
