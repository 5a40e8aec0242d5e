/**
 * Restarts the server when it stops answering.  An input that blocks its event loop (a quadratic parse, a runaway
 * regular expression) would otherwise time every later case out; the watch tells such a hang from one slow request
 * (the server still answers its health check), SIGKILLs and restarts the server, and names the requests in flight
 * then, since the culprit is among them.  After a few restarts the drill stops sending.
 */
import type { Cluster } from '../cluster.ts';
import { excerpt } from './json-text.ts';

/** After this many restarts the drill stops sending: some input keeps blocking the server. */
export const MAX_RESTARTS = 3;

/** Knows the requests in flight; restarts the server when it stops answering, naming them. */
export class ServerWatch {
  readonly hangs: string[] = [];
  readonly #cluster: Cluster;
  readonly #inFlight = new Map<string, { what: string; at: number }>();
  #restarting: Promise<void> | undefined;

  constructor(cluster: Cluster) {
    this.#cluster = cluster;
  }

  get gaveUp(): boolean {
    return this.hangs.length >= MAX_RESTARTS;
  }

  /** Resolves once no restart is under way. */
  async ready(): Promise<void> {
    await this.#restarting;
  }

  sending(label: string, what: string): void {
    this.#inFlight.set(label, { what, at: Date.now() });
  }

  answered(label: string): void {
    this.#inFlight.delete(label);
  }

  /**
   * After a request got no answer: restarts the server unless it still answers (then only that request was slow).
   * True when the server had stopped answering: the request is one of the hang's, not a breach of its own.
   */
  async check(): Promise<boolean> {
    if (this.#restarting === undefined && !(await serves(this.#cluster)) && this.#restarting === undefined) {
      this.#restarting = this.#restart().finally(() => {
        this.#restarting = undefined;
      });
    }
    const restarting = this.#restarting;
    await restarting;
    return restarting !== undefined;
  }

  async #restart(): Promise<void> {
    // At most one request per lane is in flight: all of them are named.
    const suspects = [...this.#inFlight].sort(([, a], [, b]) => a.at - b.at);
    const named = suspects.map(([label, { what }]) => `case ${label} [${excerpt(what, 80)}]`).join(', ');
    this.hangs.push(`the server stopped answering (SIGKILLed, restarted); in flight, oldest first: ${named}`);
    await this.#cluster.kill('server');
    await this.#cluster.start('server');
  }
}

async function serves(cluster: Cluster): Promise<boolean> {
  try {
    await fetch(`${cluster.baseUrl}/api/health`, { signal: AbortSignal.timeout(5_000) });
    return true;
  } catch {
    return false;
  }
}
