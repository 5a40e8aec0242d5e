import { z } from 'zod';
import { type AnyCredentialTypeDefinition, defineCredential } from './define-credential.ts';

/**
 * Generic credential types any step package may name in `credentials: { … }`.  They declare fields only: a generic
 * type cannot know how to test itself; connector packages that can (databases, brokers) declare their own types.
 */

const port = z.number().int().min(1).max(65535);

/** Fields of a database connection; connector packages reuse them with their own default port. */
export function databaseConnectionFields(defaultPort?: number) {
  return z.object({
    host: z.string().min(1),
    port: defaultPort === undefined ? port : port.default(defaultPort),
    user: z.string().min(1),
    password: z.string().default(''),
    database: z.string().min(1),
    ssl: z.boolean().default(false),
  });
}

export const databaseConnectionUi = {
  host: { label: 'Host', placeholder: 'db.example.com', order: 1 },
  port: { label: 'Port', widget: 'number', order: 2 },
  user: { label: 'User', order: 3 },
  password: { label: 'Password', order: 4 },
  database: { label: 'Database', order: 5 },
  ssl: { label: 'Use TLS', widget: 'toggle', order: 6 },
} as const;

export const apiKeyCredential = defineCredential({
  type: 'apiKey',
  version: 1,
  title: 'API key',
  description: 'A key sent in a request header.',
  fields: z.object({ headerName: z.string().min(1).default('X-API-Key'), apiKey: z.string().min(1) }),
  secretFields: ['apiKey'],
  ui: { headerName: { label: 'Header name', order: 1 }, apiKey: { label: 'API key', order: 2 } },
});

export const basicAuthCredential = defineCredential({
  type: 'basicAuth',
  version: 1,
  title: 'Basic auth',
  description: 'A user name and password (HTTP Basic authentication).',
  fields: z.object({ username: z.string().min(1), password: z.string() }),
  secretFields: ['password'],
  ui: { username: { label: 'User name', order: 1 }, password: { label: 'Password', order: 2 } },
});

export const bearerTokenCredential = defineCredential({
  type: 'bearerToken',
  version: 1,
  title: 'Bearer token',
  description: 'A token sent as `Authorization: Bearer <token>`.',
  fields: z.object({ token: z.string().min(1) }),
  secretFields: ['token'],
  ui: { token: { label: 'Token' } },
});

export const oauth2Credential = defineCredential({
  type: 'oauth2',
  version: 1,
  title: 'OAuth2',
  description: 'An OAuth2 app (client id and secret) and the tokens obtained with it.',
  fields: z.object({
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    authorizationUrl: z.url({ protocol: /^https?$/ }),
    tokenUrl: z.url({ protocol: /^https?$/ }),
    scopes: z.array(z.string()).default([]),
    accessToken: z.string().optional(),
    refreshToken: z.string().optional(),
    /** Epoch milliseconds. */
    expiresAt: z.number().optional(),
  }),
  secretFields: ['clientSecret', 'accessToken', 'refreshToken'],
  ui: {
    clientId: { label: 'Client ID', order: 1 },
    clientSecret: { label: 'Client secret', order: 2 },
    authorizationUrl: { label: 'Authorization URL', order: 3 },
    tokenUrl: { label: 'Token URL', order: 4 },
    scopes: { label: 'Scopes', widget: 'fieldList', order: 5 },
  },
});

export const databaseConnectionCredential = defineCredential({
  type: 'databaseConnection',
  version: 1,
  title: 'Database connection',
  description: 'Host, port, user, password and database of a SQL server.',
  fields: databaseConnectionFields(),
  secretFields: ['password'],
  ui: databaseConnectionUi,
});

export const genericCredentialTypes: AnyCredentialTypeDefinition[] = [
  apiKeyCredential,
  basicAuthCredential,
  bearerTokenCredential,
  oauth2Credential,
  databaseConnectionCredential,
];
