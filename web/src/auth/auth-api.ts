import type {
  AcceptInviteBody,
  CreateApiTokenBody,
  InviteMemberBody,
  LoginBody,
  SignupBody,
  WorkspaceRole,
} from '@pipewright/api-contract';
import { ApiError } from '../api/api.ts';
import { callApi } from '../api/typed-request.ts';

/** null when signed out (401), so screens can tell "signed out" from "failed". */
async function meOrNull() {
  try {
    return await callApi('get', '/api/auth/me');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/**
 * The workspaces of a session that can no longer act in its current one (removed by an admin); null when signed
 * out, so the app shows the login page.
 */
async function workspacesOrNull() {
  try {
    return (await callApi('get', '/api/workspaces')).items;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

const member = (userId: string) => ({ params: { userId } });
// so they stay on the untyped request.
export const authApi = {
  status: () => callApi('get', '/api/auth/status'),
  me: meOrNull,
  signUp: (body: SignupBody) => callApi('post', '/api/auth/signup', { body }),
  logIn: (body: LoginBody) => callApi('post', '/api/auth/login', { body }),
  logOut: () => callApi('post', '/api/auth/logout'),
  members: () => callApi('get', '/api/workspace/members'),
  invite: (body: InviteMemberBody) => callApi('post', '/api/workspace/members', { body }),
  changeRole: (userId: string, role: WorkspaceRole) =>
    callApi('patch', '/api/workspace/members/{userId}', { ...member(userId), body: { role } }),
  removeMember: (userId: string) => callApi('delete', '/api/workspace/members/{userId}', { params: { userId } }),
  tokens: () => callApi('get', '/api/tokens').then((body) => body.items),
  createToken: (body: CreateApiTokenBody) => callApi('post', '/api/tokens', { body }),
  revokeToken: (id: string) => callApi('delete', '/api/tokens/{id}', { params: { id } }),
  audit: () => callApi('get', '/api/audit', { query: { limit: 200 } }).then((body) => body.items),
  workspaces: () => callApi('get', '/api/workspaces').then((body) => body.items),
  createWorkspace: (name: string) => callApi('post', '/api/workspaces', { body: { name } }),
  switchWorkspace: (workspaceId: string) => callApi('post', '/api/session/workspace', { body: { workspaceId } }),
  workspacesOrNull,
  pendingInvites: () => callApi('get', '/api/invites').then((body) => body.items),
  acceptInvite: (body: AcceptInviteBody) => callApi('post', '/api/invites/accept', { body }),
};

export const authKeys = {
  me: ['auth', 'me'] as const,
  status: ['auth', 'status'] as const,
  members: ['workspace', 'members'] as const,
  tokens: ['workspace', 'tokens'] as const,
  audit: ['workspace', 'audit'] as const,
  myWorkspaces: ['auth', 'workspaces'] as const,
  pendingInvites: ['auth', 'invites'] as const,
  orphanedSession: ['auth', 'orphaned-session'] as const,
};
