/**
 * What the cases found: the statuses each endpoint answered, the broken guarantees by kind (how many, and the first
 * few with their request and answer, each labelled with the seed and case to send it again), and what accepted input
 * stored (drafts, credentials) so it is not taken for a change to what was stored before.  Ends as the drill's figures.
 */
import { type DrillResult, tally } from '../drill.ts';
import type { Target } from './hostile-request.ts';
import { excerpt } from './json-text.ts';
import type { Answer, Prepared } from './sending.ts';
import { type Breach, judge } from './verdict.ts';

/** Examples kept of each broken guarantee. */
const EXAMPLES = 3;

/** Breaches by kind: how many, and the first few with the request and answer. */
class Breaches {
  readonly #seen = new Map<Breach, { count: number; examples: string[] }>();
  readonly #seed: number;

  constructor(seed: number) {
    this.#seed = seed;
  }

  add(breach: Breach, label: string, request: Prepared, answer: Answer): void {
    const entry = this.#seen.get(breach) ?? { count: 0, examples: [] };
    entry.count++;
    if (entry.examples.length < EXAMPLES) {
      entry.examples.push(
        `[seed ${this.#seed} case ${label}: ${request.what}] ${request.method} ${excerpt(request.path, 80)} ` +
          `${excerpt(request.body, 160)} → ${answer.status} ${excerpt(answer.text, 240)}`,
      );
    }
    this.#seen.set(breach, entry);
  }

  count(breach: Breach): number {
    return this.#seen.get(breach)?.count ?? 0;
  }

  lines(): string[] {
    return [...this.#seen].map(([breach, { count, examples }]) => `${count}× ${breach}, e.g. ${examples.join(' | ')}`);
  }
}

/** What the cases found, for the figures and the broken guarantees. */
export class Findings {
  readonly statuses = new Map<Target, number[]>();
  readonly breaches: Breaches;
  /** Flows and credentials created by accepted input: allowed in the lists afterwards. */
  readonly created = new Set<string>();
  /** What the drafts POST /api/flows stored had in them: each a valid draft, yet odd (a cycle, an unknown type…). */
  readonly drafts: string[] = [];
  credentials = 0;
  published = 0;
  sent = 0;

  constructor(seed: number) {
    this.breaches = new Breaches(seed);
  }

  /** `hung`: the request got no answer because the server had stopped answering (reported as the hang). */
  record(label: string, request: Prepared, answer: Answer, hung: boolean): void {
    this.statuses.set(request.target, [...(this.statuses.get(request.target) ?? []), answer.status]);
    const breach = hung ? undefined : judge(request, answer);
    if (breach) this.breaches.add(breach, label, request, answer);
  }

  figures(seed: number, changed: string[], restarts: number): DrillResult['figures'] {
    const count = (breach: Breach) => this.breaches.count(breach);
    const figures: DrillResult['figures'] = {
      'seed (CHAOS_SEED)': seed,
      'cases sent': this.sent,
      answers: tally([...this.statuses.values()].flat()),
    };
    for (const [target, codes] of this.statuses) figures[`  ${target}`] = tally(codes);
    return Object.assign(figures, {
      '5xx': count('a 5xx'),
      'no answer (server still up)': count('no answer'),
      'server restarts (it stopped answering)': restarts,
      '4xx without a field': count('a 4xx that names no field'),
      '4xx not shaped { error }': count('a 4xx not shaped { error: { code, message } }'),
      'hostile input accepted': count('hostile input accepted'),
      'over the size limit, not 413': count('over the size limit, not 413'),
      'drafts stored':
        this.drafts.length === 0 ? 0 : `${this.drafts.length} (e.g. ${this.drafts.slice(0, EXAMPLES).join('; ')})`,
      'stored drafts that published': this.published,
      'credentials stored': this.credentials,
      'stored data changed': changed.length === 0 ? 'no' : `yes (${changed.join(', ')})`,
    });
  }
}
