import type jsonata from 'jsonata';
import { LinearRegExp, type RegexWorkMeter } from './linear-regexp.ts';

/**
 * What one expression evaluation may do before it fails.  Counted, not timed: expressions run inside Temporal
 * workflow code, where the clock stands still during a workflow task and a limit must give the same answer when the
 * run is replayed on another machine.
 */
export interface ExpressionLimits {
  /**
   * Evaluation steps (one per JSONata expression node evaluated, plus regular-expression work at
   * `REGEX_STEPS_PER_EVALUATION_STEP` thread steps each): the time limit.
   */
  maxSteps: number;
  /** Expression nodes being evaluated inside one another at once (grows with each nested function call). */
  maxDepth: number;
}

/**
 * The defaults every evaluation gets.  They are sized for the workflow sandbox, where a JSONata step costs far more
 * than on plain Node: Temporal records a stack trace for every promise, JSONata makes several per step, and a step
 * measured 0.3 to 1 ms on a busy two-core machine.  5,000 steps (a few hundred items mapped field by field) then
 * stays within the 5 s Temporal allows one workflow activation; on plain Node it is a few milliseconds.  500 levels
 * is 170 to 500 nested calls of a recursive function, depending on its body (`1 + $f($n - 1)` takes three a call).
 * Changing these changes how runs in flight replay: do it behind `patched()`.
 */
export const DEFAULT_EXPRESSION_LIMITS: Readonly<ExpressionLimits> = Object.freeze({
  maxSteps: 5_000,
  maxDepth: 500,
});

/** A regex thread step (plain synchronous code) is about this much cheaper than a JSONata step in the sandbox. */
export const REGEX_STEPS_PER_EVALUATION_STEP = 1_000;

/** An evaluation stopped by a limit.  `limit`: which one. */
export class ExpressionLimitError extends Error {
  readonly limit: 'steps' | 'depth';
  constructor(limit: 'steps' | 'depth', message: string) {
    super(message);
    this.name = 'ExpressionLimitError';
    this.limit = limit;
  }
}

/** The work one evaluation has done so far. */
export class EvaluationMeter {
  readonly limits: ExpressionLimits;
  steps = 0;
  #regexWork = 0;

  constructor(limits: ExpressionLimits) {
    this.limits = limits;
  }

  /** Called as JSONata enters each expression node, `depth` nodes deep. */
  step(depth: number): void {
    this.steps++;
    if (this.steps > this.limits.maxSteps) throw this.#tooLong();
    if (depth > this.limits.maxDepth) {
      throw new ExpressionLimitError(
        'depth',
        `expression nested deeper than ${this.limits.maxDepth.toLocaleString('en-US')} levels: a recursive function that never reaches its base case?`,
      );
    }
  }

  readonly regexWork: RegexWorkMeter = (work) => {
    this.#regexWork += work;
    const steps = Math.floor(this.#regexWork / REGEX_STEPS_PER_EVALUATION_STEP);
    this.#regexWork -= steps * REGEX_STEPS_PER_EVALUATION_STEP;
    this.steps += steps;
    if (this.steps > this.limits.maxSteps) throw this.#tooLong();
  };

  #tooLong(): ExpressionLimitError {
    return new ExpressionLimitError(
      'steps',
      `expression exceeded its time limit of ${this.limits.maxSteps.toLocaleString('en-US')} evaluation steps: a function that never stops, or too much work for one expression`,
    );
  }
}

/**
 * The binding that carries an evaluation's meter.  Its name is not a JSONata variable name, so no expression can
 * read or replace it.
 */
export const METER_BINDING = 'pipewright meter';

const ENTRY = Symbol.for('jsonata.__evaluate_entry');

/**
 * JSONata's entry hook, which it awaits before every expression node — too dear to run on each one inside the
 * workflow sandbox.  So it runs once per evaluation: it puts the meter into JSONata's per-evaluation frame as the
 * synchronous `guardrails` check (which JSONata calls on every node, with `depth` kept up to date), makes the linear
 * regex engine this evaluation's `RegexEngine`, and hides itself from the rest of the evaluation.
 */
function installMeter(_expr: unknown, _input: unknown, environment: unknown): void {
  if (typeof environment !== 'object' || environment === null) return;
  const base: unknown = Reflect.get(environment, 'base');
  if (typeof base !== 'object' || base === null) return;
  const lookup: unknown = Reflect.get(base, 'lookup');
  const bind: unknown = Reflect.get(base, 'bind');
  if (typeof lookup !== 'function' || typeof bind !== 'function') return;
  const meter: unknown = Reflect.apply(lookup, base, [METER_BINDING]);
  if (!(meter instanceof EvaluationMeter)) return;
  const metered: EvaluationMeter = meter;
  Reflect.apply(bind, base, [ENTRY, undefined]);
  Reflect.set(base, 'guardrails', () => {
    const depth: unknown = Reflect.get(base, 'depth');
    metered.step(typeof depth === 'number' ? depth : 0);
  });
  Reflect.set(
    base,
    'RegexEngine',
    class extends LinearRegExp {
      constructor(pattern: RegExp) {
        super(pattern, undefined, metered.regexWork);
      }
    },
  );
}

/**
 * Installs the limits and Pipewright's versions of built-ins on a compiled expression: the metering (through
 * JSONata's evaluate entry hook and its `guardrails` check, the hooks JSONata's own test suite uses to time
 * expressions out), and `$base64encode` / `$base64decode` without Node's `Buffer`, which the workflow sandbox lacks.
 */
export function instrument(expression: jsonata.Expression): void {
  // JSONata looks its hooks up by symbol; `assign` is typed for names only.
  Reflect.apply(expression.assign, expression, [ENTRY, installMeter]);
  expression.registerFunction('base64encode', base64encode, '<s-:s>');
  expression.registerFunction('base64decode', base64decode, '<s-:s>');
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** As JSONata on Node: each character is one byte (its low 8 bits), standard alphabet, padded. */
export function base64encode(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let out = '';
  for (let index = 0; index < text.length; index += 3) {
    const a = text.charCodeAt(index) & 0xff;
    const b = index + 1 < text.length ? text.charCodeAt(index + 1) & 0xff : -1;
    const c = index + 2 < text.length ? text.charCodeAt(index + 2) & 0xff : -1;
    out += ALPHABET.charAt(a >> 2);
    out += ALPHABET.charAt(((a & 3) << 4) | (b < 0 ? 0 : b >> 4));
    out += b < 0 ? '=' : ALPHABET.charAt(((b & 15) << 2) | (c < 0 ? 0 : c >> 6));
    out += c < 0 ? '=' : ALPHABET.charAt(c & 63);
  }
  return out;
}

/**
 * As JSONata on Node (`Buffer.from(text, 'base64').toString('binary')`): one character per byte; the URL-safe
 * alphabet is accepted, other characters are skipped, and decoding stops at the first `=`.
 */
export function base64decode(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const char of text) {
    if (char === '=') break;
    const value = char === '-' ? 62 : char === '_' ? 63 : ALPHABET.indexOf(char);
    if (value < 0) continue;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((buffer >> bits) & 0xff);
    }
  }
  return out;
}
