import type { ApiRoutes } from '../api-operation.ts';
import {
  createCredentialBody,
  credentialDetailSchema,
  credentialNetworkBody,
  credentialSummariesResponseSchema,
  credentialSummarySchema,
  credentialTestResultSchema,
  credentialTypesResponseSchema,
  oauth2StartResponseSchema,
  rotateCredentialBody,
  updateCredentialBody,
} from '../index.ts';

const id = ['id'];

/** The OpenAPI entries of the credential routes (merged in routes/index.ts).  No response ever carries a secret. */
export const credentialsApiRoutes = {
  '/api/credential-types': {
    get: {
      summary: 'Builder+: credential types declared by the installed step packages: `{ items: CredentialTypeView[] }`',
      responses: {
        200: {
          description: 'Types with field JSON Schema, secret fields, UI hints, testable',
          body: credentialTypesResponseSchema,
        },
      },
    },
  },
  '/api/credentials': {
    get: {
      summary:
        'Builder+: `{ items: CredentialSummary[] }` — id, name, type, createdAt, updatedAt, lastUsedAt; never values',
      responses: {
        200: { description: 'Credentials of the caller’s workspace, by name', body: credentialSummariesResponseSchema },
      },
    },
    post: {
      summary: 'Admin: create; `values` are validated with the type’s schema and sealed (AES-256-GCM envelope)',
      body: createCredentialBody,
      responses: {
        201: { description: 'CredentialSummary of the new credential', body: credentialSummarySchema },
        400: 'Unknown type or invalid values (issues name fields)',
        409: 'Name taken',
        503: 'No master key configured',
      },
    },
  },
  '/api/credentials/{id}': {
    get: {
      summary: 'Admin: CredentialDetail — the summary plus non-secret field values and which secret fields are set',
      params: id,
      responses: {
        200: { description: 'CredentialDetail', body: credentialDetailSchema },
        404: 'Unknown credential (or another workspace’s)',
      },
    },
    patch: {
      summary: 'Admin: rename and/or change values (merged over the stored ones; a secret left out is kept)',
      params: id,
      body: updateCredentialBody,
      responses: {
        200: { description: 'CredentialSummary as changed', body: credentialSummarySchema },
        400: 'Invalid values',
        404: 'Unknown credential',
        409: 'Name taken or changed meanwhile',
      },
    },
    delete: {
      summary: 'Admin: delete. Flows that use it fail at that node, saying the credential no longer exists',
      params: id,
      responses: { 204: 'Deleted', 404: 'Unknown credential' },
    },
  },
  '/api/credentials/{id}/network': {
    put: {
      summary:
        'Admin: private networks (and, separately, cloud metadata) HTTP requests of nodes using this credential may reach',
      params: id,
      body: credentialNetworkBody,
      responses: {
        200: { description: 'CredentialDetail with the new network allowance', body: credentialDetailSchema },
        400: 'Invalid body',
        404: 'Unknown credential',
      },
    },
  },
  '/api/credentials/{id}/rotate': {
    post: {
      summary: 'Admin: new secret values (every secret field of the type), sealed under a fresh data key',
      params: id,
      body: rotateCredentialBody,
      responses: {
        200: { description: 'CredentialSummary', body: credentialSummarySchema },
        400: 'Missing or unknown secret field',
        404: 'Unknown credential',
      },
    },
  },
  '/api/credentials/{id}/oauth2/start': {
    post: {
      summary:
        'Admin: starts the OAuth2 authorization-code flow with PKCE (S256): `{ authorizeUrl }` to send the browser to',
      params: id,
      responses: {
        200: { description: '`{ authorizeUrl }`: the provider’s authorization page', body: oauth2StartResponseSchema },
        404: 'Unknown credential',
        409: 'Not an OAuth2 app credential',
      },
    },
  },
  '/api/oauth2/callback': {
    get: {
      summary:
        'Public: the provider redirects here with `code` and `state`; tokens are sealed into the credential and the browser goes to /credentials?oauth2=connected',
      responses: {
        302: 'Redirect (no body) to /credentials?oauth2=connected&credential=…, or ?oauth2=error&reason=… when the provider or the token exchange refused',
        400: 'Missing, unknown, used or expired state',
      },
    },
  },
  '/api/credentials/{id}/test': {
    post: {
      summary:
        'Admin: runs the type’s test() against the service (in the server process): `{ ok, message? }`, secrets redacted',
      params: id,
      responses: {
        200: { description: 'CredentialTestResult', body: credentialTestResultSchema },
        404: 'Unknown credential',
      },
    },
  },
} satisfies ApiRoutes;
