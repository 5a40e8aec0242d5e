import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One code exchanged at the token endpoint, and whether its PKCE verifier matched the authorize step's challenge. */
export interface TokenExchange {
  code: string;
  verifierMatched: boolean;
}

export interface FakeOAuth2Provider {
  url: string;
  clientId: string;
  clientSecret: string;
  exchanges: TokenExchange[];
  close(): Promise<void>;
}

/**
 * A provider that approves every authorization at once: `/authorize` redirects to `redirect_uri` with a code and the
 * state; `/token` swaps a code once, for the right client, only with the verifier of the code's S256 challenge.
 */
export async function startFakeOAuth2Provider(): Promise<FakeOAuth2Provider> {
  const clientId = 'pipewright-cluster';
  const clientSecret = randomBytes(16).toString('hex');
  const challenges = new Map<string, { challenge: string; redirectUri: string }>();
  const exchanges: TokenExchange[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://provider');
    if (req.method === 'GET' && url.pathname === '/authorize') {
      const redirectUri = url.searchParams.get('redirect_uri') ?? '';
      const code = randomBytes(12).toString('hex');
      challenges.set(code, { challenge: url.searchParams.get('code_challenge') ?? '', redirectUri });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.toString() }).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      let raw = '';
      req.on('data', (chunk: Buffer) => {
        raw += chunk.toString('utf8');
      });
      req.on('end', () => {
        const form = new URLSearchParams(raw);
        const code = form.get('code') ?? '';
        const issued = challenges.get(code);
        challenges.delete(code);
        const verifier = form.get('code_verifier') ?? '';
        const verifierMatched =
          issued !== undefined && createHash('sha256').update(verifier).digest('base64url') === issued.challenge;
        exchanges.push({ code, verifierMatched });
        const valid =
          verifierMatched &&
          form.get('grant_type') === 'authorization_code' &&
          form.get('client_id') === clientId &&
          form.get('client_secret') === clientSecret &&
          form.get('redirect_uri') === issued?.redirectUri;
        res.writeHead(valid ? 200 : 400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            valid
              ? {
                  access_token: `access-${randomBytes(8).toString('hex')}`,
                  refresh_token: `refresh-${randomBytes(8).toString('hex')}`,
                  expires_in: 3600,
                  token_type: 'Bearer',
                }
              : { error: 'invalid_grant' },
          ),
        );
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    clientId,
    clientSecret,
    exchanges,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
