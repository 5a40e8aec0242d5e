import type {
  CreateCredentialBody,
  CredentialNetwork,
  RotateCredentialBody,
  UpdateCredentialBody,
} from '@pipewright/api-contract';
import { useQuery } from '@tanstack/react-query';
import { callApi } from '../api/typed-request.ts';

const credential = (id: string) => ({ params: { id } });
const items = <T>(body: { items: T[] }): T[] => body.items;

/** The credentials endpoints.  No response carries a secret; the forms send secrets and never read them back. */
export const credentialsApi = {
  types: () => callApi('get', '/api/credential-types').then(items),
  list: () => callApi('get', '/api/credentials').then(items),
  get: (id: string) => callApi('get', '/api/credentials/{id}', credential(id)),
  create: (body: CreateCredentialBody) => callApi('post', '/api/credentials', { body }),
  update: (id: string, body: UpdateCredentialBody) =>
    callApi('patch', '/api/credentials/{id}', { ...credential(id), body }),
  rotate: (id: string, body: RotateCredentialBody) =>
    callApi('post', '/api/credentials/{id}/rotate', { ...credential(id), body }),
  /** OAuth2: where to send the browser; the provider brings it back to /credentials?oauth2=connected|error. */
  startOAuth2: (id: string) => callApi('post', '/api/credentials/{id}/oauth2/start', credential(id)),
  test: (id: string) => callApi('post', '/api/credentials/{id}/test', credential(id)),
  setNetwork: (id: string, body: CredentialNetwork) =>
    callApi('put', '/api/credentials/{id}/network', { ...credential(id), body }),
  delete: (id: string) => callApi('delete', '/api/credentials/{id}', { params: { id } }),
};

export const credentialKeys = {
  types: ['credential-types'] as const,
  list: ['credentials'] as const,
  detail: (id: string) => ['credentials', id] as const,
};

export const useCredentialTypes = () =>
  useQuery({ queryKey: credentialKeys.types, queryFn: credentialsApi.types, staleTime: 5 * 60_000 });

export const useCredentials = () => useQuery({ queryKey: credentialKeys.list, queryFn: credentialsApi.list });
