import type {
  CreateCredentialBody,
  CredentialDetail,
  CredentialNetwork,
  CredentialSummary,
  CredentialTestResult,
  CredentialTypeView,
  RotateCredentialBody,
  UpdateCredentialBody,
} from '@pipewright/api-contract';
import { useQuery } from '@tanstack/react-query';
import { apiRequest } from '../api/api.ts';

const path = (id: string) => `/credentials/${encodeURIComponent(id)}`;
const items = <T>(body: { items: T[] }): T[] => body.items;

/** The credentials endpoints.  No response carries a secret; the forms send secrets and never read them back. */
export const credentialsApi = {
  types: () => apiRequest<{ items: CredentialTypeView[] }>('GET', '/credential-types').then(items),
  list: () => apiRequest<{ items: CredentialSummary[] }>('GET', '/credentials').then(items),
  get: (id: string) => apiRequest<CredentialDetail>('GET', path(id)),
  create: (body: CreateCredentialBody) => apiRequest<CredentialSummary>('POST', '/credentials', body),
  update: (id: string, body: UpdateCredentialBody) => apiRequest<CredentialSummary>('PATCH', path(id), body),
  rotate: (id: string, body: RotateCredentialBody) => apiRequest<CredentialSummary>('POST', `${path(id)}/rotate`, body),
  /** OAuth2: where to send the browser; the provider brings it back to /credentials?oauth2=connected|error. */
  startOAuth2: (id: string) => apiRequest<{ authorizeUrl: string }>('POST', `${path(id)}/oauth2/start`),
  test: (id: string) => apiRequest<CredentialTestResult>('POST', `${path(id)}/test`),
  setNetwork: (id: string, body: CredentialNetwork) => apiRequest<CredentialDetail>('PUT', `${path(id)}/network`, body),
  delete: (id: string) => apiRequest<null>('DELETE', path(id)),
};

export const credentialKeys = {
  types: ['credential-types'] as const,
  list: ['credentials'] as const,
  detail: (id: string) => ['credentials', id] as const,
};

export const useCredentialTypes = () =>
  useQuery({ queryKey: credentialKeys.types, queryFn: credentialsApi.types, staleTime: 5 * 60_000 });

export const useCredentials = () => useQuery({ queryKey: credentialKeys.list, queryFn: credentialsApi.list });
