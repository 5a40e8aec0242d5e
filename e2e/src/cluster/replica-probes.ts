/**
 * Which replica did something, read from the operating system (Linux /proc): the cluster's processes are children
 * of small watchdog shells (devstack's startProcess), so a replica's pid is the one whose ancestor is its watchdog.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Replica } from '@pipewright/devstack';

/** Every live process below `pid` (children, grandchildren…). */
export function descendantsOf(pid: number): number[] {
  const childrenOf = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = parentOf(Number(entry));
    if (parent === undefined) continue;
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const queue = [pid];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const children = childrenOf.get(next) ?? [];
    found.push(...children);
    queue.push(...children);
  }
  return found;
}

function parentOf(pid: number): number | undefined {
  try {
    // "pid (comm) state ppid …": comm may hold spaces or parentheses, so read after its closing one.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined; // gone meanwhile
  }
}

/** The replica (server or worker) a pid belongs to, e.g. from a Temporal worker identity `<pid>@<host>`. */
export function replicaOfPid(replicas: readonly Replica[], pid: number): Replica | undefined {
  return replicas.find((replica) => {
    const watchdog = replica.process.child.pid;
    return watchdog !== undefined && (watchdog === pid || descendantsOf(watchdog).includes(pid));
  });
}
