import type { ApiRoutes } from '../api-operation.ts';
import {
  acceptInviteBody,
  apiTokensResponseSchema,
  auditEntriesResponseSchema,
  authStatusResponseSchema,
  createApiTokenBody,
  createdApiTokenResponseSchema,
  createdInviteResponseSchema,
  createWorkspaceBody,
  inviteMemberBody,
  loginBody,
  membersResponseSchema,
  meResponseSchema,
  myWorkspacesResponseSchema,
  myWorkspaceViewSchema,
  pendingInvitesResponseSchema,
  signupBody,
  switchWorkspaceBody,
  updateMemberBody,
} from '../index.ts';

/** The OpenAPI entries of the auth, members, API token and audit routes (merged in routes/index.ts). */
export const authApiRoutes = {
  '/api/auth/status': {
    get: {
      summary: 'Public: `{ hasUsers }` — false until the first sign-up',
      responses: { 200: { description: 'AuthStatusResponse', body: authStatusResponseSchema } },
    },
  },
  '/api/auth/signup': {
    post: {
      summary:
        'Public: the first user creates the workspace (`workspaceName`) and becomes its admin; later users need an `inviteToken` and join with the invited role. Sets the `pw_session` cookie (httpOnly, SameSite=Lax)',
      body: signupBody,
      responses: {
        201: { description: 'MeResponse: the new user, their workspace and role', body: meResponseSchema },
        400: 'Invalid body',
        403: 'Sign-up closed (not the first user, no invite)',
        404: 'Invite unknown, used or expired',
        409: 'E-mail taken',
      },
    },
  },
  '/api/auth/login': {
    post: {
      summary: 'Public: sign in, sets the `pw_session` cookie. 5 failures per e-mail lock it for 15 minutes',
      body: loginBody,
      responses: {
        200: { description: 'MeResponse', body: meResponseSchema },
        401: 'Wrong e-mail or password',
        429: 'Too many attempts (Retry-After)',
      },
    },
  },
  '/api/auth/logout': {
    post: { summary: 'Public: ends the session and clears the cookie', responses: { 204: 'Signed out' } },
  },
  '/api/auth/me': {
    get: {
      summary: 'The caller: `{ user, workspace, role, via }`',
      responses: { 200: { description: 'MeResponse', body: meResponseSchema }, 401: 'Signed out' },
    },
  },
  '/api/workspace/members': {
    get: {
      summary: 'Admin: members and open invites',
      responses: { 200: { description: 'MembersResponse', body: membersResponseSchema }, 403: 'Not admin' },
    },
    post: {
      summary: 'Admin: invite an e-mail with a role; the invite token (and link) is returned this once',
      body: inviteMemberBody,
      responses: {
        201: { description: 'CreatedInviteResponse', body: createdInviteResponseSchema },
        403: 'Not admin',
        409: 'Already a member',
      },
    },
  },
  '/api/workspace/members/{userId}': {
    patch: {
      summary: 'Admin: change a member’s role',
      params: ['userId'],
      body: updateMemberBody,
      responses: {
        200: { description: 'MembersResponse after the change', body: membersResponseSchema },
        404: 'Unknown member',
        409: 'Would leave no admin',
      },
    },
    delete: {
      summary:
        'Admin: remove a member from this workspace (their tokens of it stop working; a session acting in it can no longer act there but can switch to their other workspaces, which they keep)',
      params: ['userId'],
      responses: { 204: 'Removed', 404: 'Unknown member', 409: 'Would leave no admin' },
    },
  },
  '/api/tokens': {
    get: {
      summary: 'API tokens (`Authorization: Bearer pw_…`): your own; admins see all. Names and prefixes only',
      responses: { 200: { description: '`{ items: ApiTokenView[] }`', body: apiTokensResponseSchema } },
    },
    post: {
      summary: 'Create an API token with at most your role; the token is returned this once',
      body: createApiTokenBody,
      responses: {
        201: { description: 'CreatedApiTokenResponse', body: createdApiTokenResponseSchema },
        403: 'Role above your own',
      },
    },
  },
  '/api/tokens/{id}': {
    delete: {
      summary: 'Revoke a token (yours; admins: any)',
      params: ['id'],
      responses: { 204: 'Revoked', 404: 'Unknown token' },
    },
  },
  '/api/workspaces': {
    get: {
      summary:
        'Browser session: the signed-in user’s workspaces with their role in each and which one the session acts in: `{ items: MyWorkspaceView[] }`. API tokens: 403 (bound to their workspace)',
      responses: {
        200: { description: 'MyWorkspacesResponse', body: myWorkspacesResponseSchema },
        401: 'Signed out',
        403: 'Called with an API token',
      },
    },
    post: {
      summary:
        'Browser session: create another workspace; the caller becomes its admin. The session keeps acting where it was until POST /api/session/workspace',
      body: createWorkspaceBody,
      responses: {
        201: { description: 'MyWorkspaceView of the new workspace', body: myWorkspaceViewSchema },
        400: 'Invalid name',
        401: 'Signed out',
        403: 'Called with an API token',
      },
    },
  },
  '/api/session/workspace': {
    post: {
      summary:
        'Browser session: act in another of your workspaces from now on, with your role there. Also works after you were removed from the current one',
      body: switchWorkspaceBody,
      responses: {
        200: { description: 'MeResponse in the workspace switched to', body: meResponseSchema },
        401: 'Signed out',
        403: 'Called with an API token',
        404: 'Not a member of that workspace (or no such workspace)',
      },
    },
  },
  '/api/invites': {
    get: {
      summary:
        'Browser session: open invites sent to your e-mail from workspaces you are not in yet: `{ items: PendingInviteView[] }`',
      responses: {
        200: { description: 'PendingInvitesResponse', body: pendingInvitesResponseSchema },
        401: 'Signed out',
        403: 'Called with an API token',
      },
    },
  },
  '/api/invites/accept': {
    post: {
      summary:
        'Browser session: join a workspace through an invite (`token` from its link, or `inviteId` from GET /api/invites) with your existing account; it then appears in GET /api/workspaces',
      body: acceptInviteBody,
      responses: {
        200: { description: 'MyWorkspaceView of the workspace joined', body: myWorkspaceViewSchema },
        400: 'Neither or both of token and inviteId',
        403: 'The link’s invite was sent to another e-mail (`invite_for_another_email`), or called with an API token',
        404: 'Invite unknown, used or expired',
      },
    },
  },
  '/api/audit': {
    get: {
      summary:
        'Admin: the audit log, newest first: `{ items: AuditEntryView[] }` (sign-in, publish, credential and member changes)',
      query: [
        { name: 'limit', description: '1-200, default 50', schema: { type: 'integer', minimum: 1, maximum: 200 } },
        { name: 'before', description: 'Only entries before this ISO time', schema: { type: 'string' } },
      ],
      responses: { 200: { description: 'Audit entries', body: auditEntriesResponseSchema }, 403: 'Not admin' },
    },
  },
} satisfies ApiRoutes;
