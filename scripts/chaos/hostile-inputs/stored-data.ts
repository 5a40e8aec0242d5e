/**
 * What was stored before the cases must read back the same afterwards: the drill's flow, its published version, every
 * flow, credential and member.  A snapshot is each watched answer as JSON text, without the list items the drill saw
 * created by accepted valid input; two snapshots are compared path by path, and a difference is shown where it starts.
 */
import type { Cluster } from '../cluster.ts';

/** What must read back the same: the drill's flow, its published version, every flow, credential and member. */
export const watchedPaths = (flowId: string): string[] => [
  '/api/flows',
  `/api/flows/${flowId}`,
  `/api/flows/${flowId}/versions`,
  `/api/flows/${flowId}/versions/1`,
  '/api/credentials',
  '/api/workspace/members',
];

/** Each watched answer as JSON text, without the list items the drill saw created (accepted valid input). */
export async function snapshot(cluster: Cluster, paths: string[], created: Set<string>): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const path of paths) {
    const answer = await cluster.api(path);
    const items = (answer.body as { items?: { id?: string }[] } | undefined)?.items;
    const body = items
      ? { ...(answer.body as object), items: items.filter((item) => !created.has(item.id ?? '')) }
      : answer.body;
    texts.set(path, `${answer.status} ${JSON.stringify(body)}`);
  }
  return texts;
}

/** Where two snapshots of one path first differ. */
export function difference(before: string, after: string): string {
  let at = 0;
  while (at < before.length && before[at] === after[at]) at++;
  const from = Math.max(0, at - 40);
  return `was …${before.slice(from, at + 80)}…, now …${after.slice(from, at + 80)}…`;
}
