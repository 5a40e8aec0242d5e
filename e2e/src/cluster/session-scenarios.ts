import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ADMIN, type ClusterProduct, type Via } from './cluster-harness.ts';
import { startFakeOAuth2Provider } from './fake-oauth2-provider.ts';

/** What the web app sends with cookie-authenticated changes (server/src/auth/authenticate.ts). */
const CSRF = { 'x-requested-with': 'pipewright' };

/**
 * Nothing about who is signed in lives in one server's memory: sessions, API tokens and pending OAuth2
 * authorizations are in the shared database, so any server honours (or refuses) what another one issued.
 */
export function sessionScenarios(product: () => ClusterProduct): void {
  describe('sessions, tokens and OAuth2 across servers', () => {
    test('a session signed in on server 0 reads and writes on server 1; signed out there, server 0 refuses it', async () => {
      const signedIn = await fetch(`${product().urlOf(0)}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ADMIN),
      });
      assert.equal(signedIn.status, 200, await signedIn.clone().text());
      const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      assert.match(cookie, /^pw_session=/);
      const withCookie = (path: string, via: Via, init: RequestInit = {}) =>
        product().api(path, { ...init, headers: { cookie, ...init.headers } }, via);

      const me = await withCookie('/api/auth/me', 1);
      assert.equal(me.status, 200, await me.clone().text());
      assert.equal(((await me.json()) as { user: { email: string } }).user.email, ADMIN.email);

      const flow = { name: 'Made with a session from server 0', document: { schemaVersion: 1, nodes: [], edges: [] } };
      const unguarded = await withCookie('/api/flows', 1, { method: 'POST', body: JSON.stringify(flow) });
      assert.equal(unguarded.status, 403, 'a cookie-authenticated change still needs the CSRF header on server 1');
      const created = await withCookie('/api/flows', 1, { method: 'POST', headers: CSRF, body: JSON.stringify(flow) });
      assert.equal(created.status, 201, await created.clone().text());
      const { id } = (await created.json()) as { id: string };
      const read = await product().json<{ name: string }>(`/api/flows/${id}`, { via: 0 });
      assert.equal(read.name, flow.name, 'server 0 sees what the session wrote through server 1');

      const signedOut = await withCookie('/api/auth/logout', 1, { method: 'POST', headers: CSRF });
      assert.equal(signedOut.status, 204);
      const signedOutMe = await withCookie('/api/auth/me', 0);
      assert.equal(signedOutMe.status, 401, 'the session signed out on server 1 no longer works on server 0');
    });

    test('an API token made on server 0 works on server 1; revoked on server 1, both servers refuse it', async () => {
      const { token, apiToken } = await product().json<{ token: string; apiToken: { id: string } }>('/api/tokens', {
        method: 'POST',
        body: JSON.stringify({ name: 'made on server 0' }),
        status: 201,
        via: 0,
      });
      const asToken = (via: Via) =>
        product().api('/api/auth/me', { headers: { authorization: `Bearer ${token}` } }, via);
      assert.equal((await asToken(1)).status, 200, 'server 1 accepts the token server 0 made');

      await product().json(`/api/tokens/${apiToken.id}`, { method: 'DELETE', status: 204, via: 1 });
      assert.equal((await asToken(0)).status, 401, 'server 0 refuses the token revoked on server 1');
      assert.equal((await asToken(1)).status, 401);
    });

    test('an OAuth2 connect started on server 0 completes on server 1, once', async () => {
      const provider = await startFakeOAuth2Provider();
      try {
        const { id } = await product().json<{ id: string }>('/api/credentials', {
          method: 'POST',
          status: 201,
          body: JSON.stringify({
            name: 'Fake provider',
            type: 'oauth2',
            values: {
              clientId: provider.clientId,
              clientSecret: provider.clientSecret,
              authorizationUrl: `${provider.url}/authorize`,
              tokenUrl: `${provider.url}/token`,
              scopes: ['read'],
            },
          }),
        });
        const { authorizeUrl } = await product().json<{ authorizeUrl: string }>(`/api/credentials/${id}/oauth2/start`, {
          method: 'POST',
          via: 0,
        });
        // The admin's browser at the provider: it approves and sends the browser back to Pipewright's public URL.
        const approved = await fetch(authorizeUrl, { redirect: 'manual' });
        assert.equal(approved.status, 302);
        const callback = new URL(approved.headers.get('location') ?? '');
        assert.equal(`${callback.origin}${callback.pathname}`, `${product().urlOf('proxy')}/api/oauth2/callback`);
        // …and the proxy happens to hand the callback to the other server.
        const onServer1 = `${product().urlOf(1)}${callback.pathname}${callback.search}`;
        const landed = await fetch(onServer1, { redirect: 'manual' });
        assert.equal(landed.status, 302, await landed.clone().text());
        assert.equal(landed.headers.get('location'), `/credentials?oauth2=connected&credential=${id}`);
        assert.equal(provider.exchanges.length, 1, 'server 1 exchanged the code once');
        assert.ok(provider.exchanges[0]?.verifierMatched, 'with the PKCE verifier server 0 sealed at the start');

        const credential = await product().json<{ secretFieldsSet: string[] }>(`/api/credentials/${id}`, { via: 0 });
        assert.ok(credential.secretFieldsSet.includes('accessToken'), 'the credential shows as connected');
        assert.ok(credential.secretFieldsSet.includes('refreshToken'));

        const replayed = await fetch(`${product().urlOf(0)}${callback.pathname}${callback.search}`, {
          redirect: 'manual',
        });
        assert.equal(replayed.status, 400, 'the state server 1 used is spent on server 0 too');
        assert.match(await replayed.text(), /unknown or was already used/);
        assert.equal(provider.exchanges.length, 1, 'the replay never reached the provider');
      } finally {
        await provider.close();
      }
    });
  });
}
