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
