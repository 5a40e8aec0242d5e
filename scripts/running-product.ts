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
