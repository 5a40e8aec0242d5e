/**
 * Which replica did something, read from the operating system (Linux /proc): the cluster's processes are children
 * of small watchdog shells (devstack's startProcess), so a replica's pid is the one whose ancestor is its watchdog.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { Cluster, Replica } from '@pipewright/devstack';

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

/**
 * For each server, the ids (socket inodes) of the proxy's connections to it that are open now.  A live stream is a
 * connection the proxy keeps; requests and health checks close theirs (`option http-server-close`).
 */
export function proxyConnectionsPerServer(cluster: Cluster): Set<string>[] {
  const haproxy = cluster.processes().find((process) => process.name === 'haproxy')?.child.pid;
  if (haproxy === undefined) throw new Error('the cluster runs no proxy');
  const sockets = new Set(descendantsOf(haproxy).flatMap(socketInodesOf));
  const established = ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      // local_address rem_address st … inode; "01" is ESTABLISHED.
      .filter((fields) => fields[3] === '01' && sockets.has(fields[9] ?? ''))
      .map((fields) => ({ remotePort: Number.parseInt(fields[2]?.split(':')[1] ?? '', 16), inode: fields[9] ?? '' })),
  );
  return cluster.servers.map((server) => {
    const port = Number(new URL(server.url ?? '').port);
    return new Set(established.filter((socket) => socket.remotePort === port).map((socket) => socket.inode));
  });
}

function socketInodesOf(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const match = /^socket:\[(\d+)\]$/.exec(target);
        return match?.[1] ? [match[1]] : [];
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}
