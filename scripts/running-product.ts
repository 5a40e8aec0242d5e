/** Helpers of the scripts that drive the product as separately running processes (`./pw bench load`, `./pw chaos`). */
import { childrenOf } from '../packages/devstack/src/processes.ts';

/** The process doing the work: a managed child (devstack processes.ts) is a shell watchdog whose only child it is. */
export function programPid(shellPid: number): number {
  const [first] = childrenOf(shellPid);
  if (first === undefined || !Number.isInteger(first) || first <= 0)
    throw new Error(`no child under watchdog ${shellPid}`);
  return first;
}

/** Signs up the first user of a fresh product (creating `name`'s workspace) and returns an admin API token. */
export async function signUp(baseUrl: string, name: string): Promise<string> {
  const signup = await fetch(`${baseUrl}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `${name.toLowerCase()}@example.test`,
      password: `${name} password 123`,
      name,
      workspaceName: name,
    }),
  });
  if (signup.status !== 201) throw new Error(`sign-up answered ${signup.status}: ${await signup.text()}`);
  const cookie = (signup.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const created = await fetch(`${baseUrl}/api/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-requested-with': 'pipewright' },
    body: JSON.stringify({ name: name.toLowerCase() }),
  });
  if (created.status !== 201) throw new Error(`token creation answered ${created.status}: ${await created.text()}`);
  return ((await created.json()) as { token: string }).token;
}

/**
 * Another workspace of the user `signUp(baseUrl, name)` created, and an admin API token for it: signs in, creates
 * the workspace, switches the session to it and makes the token there.
 */
export async function addWorkspace(baseUrl: string, name: string, workspaceName: string): Promise<string> {
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `${name.toLowerCase()}@example.test`, password: `${name} password 123` }),
  });
  if (login.status !== 200) throw new Error(`sign-in answered ${login.status}: ${await login.text()}`);
  const headers = {
    'content-type': 'application/json',
    cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
    'x-requested-with': 'pipewright',
  };
  const call = async (path: string, body: unknown, expected: number) => {
    const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (response.status !== expected) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const workspace = await call('/api/workspaces', { name: workspaceName }, 201);
  await call('/api/session/workspace', { workspaceId: workspace.id }, 200);
  return String((await call('/api/tokens', { name: workspaceName.toLowerCase() }, 201)).token);
}
