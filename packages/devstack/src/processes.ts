import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
  /** Sends SIGTERM without waiting (for `process.on('exit')`, where nothing async runs any more). */
  kill(): void;
  /** Lets this Node process exit while the child runs (the watchdog then stops the child). */
  unref(): void;
  /** The last lines of its log, for error messages. */
  tail(lines?: number): string;
}

/**
 * Starts a long-running child whose output goes to a log file.  A small shell watchdog kills the child if this
 * Node process dies without cleaning up (SIGKILL, crash), so no orphan keeps a port or a SQLite file busy.
 */
export function startProcess(options: {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  env?: Record<string, string>;
  cwd?: string;
}): ManagedProcess {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const out = createWriteStream(options.logFile, { flags: 'a' });
  const watchdog = [
    '"$@" & child=$!',
    "trap 'kill -TERM $child 2>/dev/null; wait $child; exit' TERM INT",
    `while kill -0 ${process.pid} 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1 & wait $!; done`,
    'kill -TERM $child 2>/dev/null; wait $child',
  ].join('\n');
  const child = spawn('sh', ['-c', watchdog, options.name, options.command, ...options.args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out, { end: false });
  child.stderr?.pipe(out, { end: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name: options.name,
    child,
    logFile: options.logFile,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        // A program that ignores SIGTERM (stuck in a loop) keeps its watchdog waiting: kill both, the program first,
        // or it would outlive its watchdog as an orphan holding its port.
        let killed: number[] = [];
        const timer = setTimeout(() => {
          killed = descendantsOf(child.pid);
          for (const pid of killed) killQuietly(pid);
          child.kill('SIGKILL');
        }, 10_000);
        await exited;
        clearTimeout(timer);
        // A SIGKILL takes effect a moment later: stopped means gone.
        await goneWithin(killed, 5_000);
      }
      out.end();
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
    unref() {
      child.unref();
      for (const stream of [child.stdout, child.stderr]) {
        if (stream && 'unref' in stream && typeof stream.unref === 'function') stream.unref();
      }
    },
    tail(lines = 20) {
      try {
        return readFileSync(options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
  };
}

/** The direct children of `pid` (Linux /proc; elsewhere none). */
export function childrenOf(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The processes under `pid`, deepest first. */
function descendantsOf(pid: number | undefined): number[] {
  return childrenOf(pid).flatMap((child) => [...descendantsOf(child), child]);
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}

/** Waits until none of `pids` runs any more (gone, or a zombie nobody reaped yet), or `ms` passed. */
async function goneWithin(pids: number[], ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (pids.some(isRunning) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** The process runs (a zombie, killed and not yet reaped by whoever adopted it, does not). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return false;
  }
}
