import type {
  AcceptInviteBody,
  ApiTokenView,
  AuditEntryView,
  AuthStatusResponse,
  CreateApiTokenBody,
  CreatedApiTokenResponse,
  CreatedInviteResponse,
  InviteMemberBody,
  LoginBody,
  MembersResponse,
  MeResponse,
  MyWorkspacesResponse,
  MyWorkspaceView,
  PendingInvitesResponse,
  SignupBody,
  WorkspaceRole,
} from '@pipewright/api-contract';
import { ApiError, apiRequest } from '../api/api.ts';

/** null when signed out (401), so screens can tell "signed out" from "failed". */
async function meOrNull(): Promise<MeResponse | null> {
  try {
    return await apiRequest<MeResponse>('GET', '/auth/me');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/**
 * The workspaces of a session that can no longer act in its current one (removed by an admin); null when signed
 * out, so the app shows the login page.
 */
async function workspacesOrNull(): Promise<MyWorkspaceView[] | null> {
  try {
    return (await apiRequest<MyWorkspacesResponse>('GET', '/workspaces')).items;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export const authApi = {
  status: () => apiRequest<AuthStatusResponse>('GET', '/auth/status'),
  me: meOrNull,
  signUp: (body: SignupBody) => apiRequest<MeResponse>('POST', '/auth/signup', body),
  logIn: (body: LoginBody) => apiRequest<MeResponse>('POST', '/auth/login', body),
  logOut: () => apiRequest<null>('POST', '/auth/logout'),
  members: () => apiRequest<MembersResponse>('GET', '/workspace/members'),
  invite: (body: InviteMemberBody) => apiRequest<CreatedInviteResponse>('POST', '/workspace/members', body),
  changeRole: (userId: string, role: WorkspaceRole) =>
    apiRequest<MembersResponse>('PATCH', `/workspace/members/${encodeURIComponent(userId)}`, { role }),
  removeMember: (userId: string) => apiRequest<null>('DELETE', `/workspace/members/${encodeURIComponent(userId)}`),
  tokens: () => apiRequest<{ items: ApiTokenView[] }>('GET', '/tokens').then((body) => body.items),
  createToken: (body: CreateApiTokenBody) => apiRequest<CreatedApiTokenResponse>('POST', '/tokens', body),
  revokeToken: (id: string) => apiRequest<null>('DELETE', `/tokens/${encodeURIComponent(id)}`),
  audit: () => apiRequest<{ items: AuditEntryView[] }>('GET', '/audit?limit=200').then((body) => body.items),
  workspaces: () => apiRequest<MyWorkspacesResponse>('GET', '/workspaces').then((body) => body.items),
  createWorkspace: (name: string) => apiRequest<MyWorkspaceView>('POST', '/workspaces', { name }),
  switchWorkspace: (workspaceId: string) => apiRequest<MeResponse>('POST', '/session/workspace', { workspaceId }),
  workspacesOrNull,
  pendingInvites: () => apiRequest<PendingInvitesResponse>('GET', '/invites').then((body) => body.items),
  acceptInvite: (body: AcceptInviteBody) => apiRequest<MyWorkspaceView>('POST', '/invites/accept', body),
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
