/**
 * Users, workspaces, members, API tokens and the audit log: request bodies (strict zod schemas — a client cannot
 * set `workspaceId`, `userId`, `role` on itself or any other server-owned field) and response schemas.
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

export const userViewSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
});
export type UserView = z.infer<typeof userViewSchema>;

export const workspaceViewSchema = z.object({
  id: z.string(),
  name: z.string(),
});
export type WorkspaceView = z.infer<typeof workspaceViewSchema>;

/** GET /api/auth/me, and the answer to sign-up and login. */
export const meResponseSchema = z.object({
  user: userViewSchema,
  workspace: workspaceViewSchema,
  role: roleSchema,
  via: z.enum(['session', 'token']),
});
export type MeResponse = z.infer<typeof meResponseSchema>;

/** Whether anybody has signed up yet: the web shows "Create your workspace" on first run. */
export const authStatusResponseSchema = z.object({
  hasUsers: z.boolean(),
});
export type AuthStatusResponse = z.infer<typeof authStatusResponseSchema>;

export const memberViewSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  joinedAt: z.string(),
});
export type MemberView = z.infer<typeof memberViewSchema>;

export const inviteViewSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  expiresAt: z.string(),
});
export type InviteView = z.infer<typeof inviteViewSchema>;

export const membersResponseSchema = z.object({
  members: z.array(memberViewSchema),
  invites: z.array(inviteViewSchema),
});
export type MembersResponse = z.infer<typeof membersResponseSchema>;

/** The invite token is shown once; `link` is the web app's sign-up path carrying it. */
export const createdInviteResponseSchema = z.object({
  invite: inviteViewSchema,
  token: z.string(),
  link: z.string(),
});
export type CreatedInviteResponse = z.infer<typeof createdInviteResponseSchema>;

export const apiTokenViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the token, to recognise it; never the whole token. */
  prefix: z.string(),
  role: roleSchema,
  userId: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type ApiTokenView = z.infer<typeof apiTokenViewSchema>;

/** GET /api/tokens. */
export const apiTokensResponseSchema = z.object({ items: z.array(apiTokenViewSchema) });

/** `token` (`pw_…`) is shown this once; only its hash is stored. */
export const createdApiTokenResponseSchema = z.object({
  token: z.string(),
  apiToken: apiTokenViewSchema,
});
export type CreatedApiTokenResponse = z.infer<typeof createdApiTokenResponseSchema>;

export const auditEntryViewSchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({
    userId: z.string().nullable(),
    email: z.string().nullable(),
    via: z.enum(['session', 'token', 'system']),
  }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string() }),
  details: z.record(z.string(), z.unknown()).exactOptional(),
});
export type AuditEntryView = z.infer<typeof auditEntryViewSchema>;

/** GET /api/audit, newest first. */
export const auditEntriesResponseSchema = z.object({ items: z.array(auditEntryViewSchema) });

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
export const myWorkspaceViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  /** The workspace the session acts in now. */
  current: z.boolean(),
});
export type MyWorkspaceView = z.infer<typeof myWorkspaceViewSchema>;

/** GET /api/workspaces. */
export const myWorkspacesResponseSchema = z.object({
  items: z.array(myWorkspaceViewSchema),
});
export type MyWorkspacesResponse = z.infer<typeof myWorkspacesResponseSchema>;

/** An open invite sent to the signed-in user's e-mail (GET /api/invites). */
export const pendingInviteViewSchema = z.object({
  id: z.string(),
  workspace: workspaceViewSchema,
  role: roleSchema,
  /** The inviting admin's e-mail, when their account still exists. */
  invitedBy: z.string().nullable(),
  expiresAt: z.string(),
});
export type PendingInviteView = z.infer<typeof pendingInviteViewSchema>;

/** GET /api/invites. */
export const pendingInvitesResponseSchema = z.object({
  items: z.array(pendingInviteViewSchema),
});
export type PendingInvitesResponse = z.infer<typeof pendingInvitesResponseSchema>;
