/**
 * A linear-time regular expression engine for the patterns JSONata hands to its `RegexEngine` (`$match`,
 * `$replace`, `$contains`, `$split`): JavaScript syntax and match semantics (non-unicode mode, flags `i`, `m`, `g`),
 * run as a Pike VM — every position of the input is visited once with at most one thread per instruction, so a match
 * costs O(input length × pattern size) and no pattern can backtrack catastrophically.  Backreferences and lookaround
 * assertions cannot run in linear time and are refused (`RegexSyntaxError`), as are lookaround-like groups this
 * parser does not know.  Pure and deterministic: no clock, no native regex execution.
 */

/** A pattern the linear engine refuses (backreference, lookaround) or cannot compile within its size limit. */
export class RegexSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegexSyntaxError';
  }
}

/** Compiled programs larger than this (counted repetitions are expanded) are refused. */
export const MAX_REGEX_PROGRAM_SIZE = 20_000;

type Assertion = 'start' | 'end' | 'word' | 'notWord';
/** Flat sorted list of inclusive code-unit ranges `[lo0, hi0, lo1, hi1, …]`. */
type Ranges = number[];

type RegexNode =
  | { kind: 'set'; ranges: Ranges; negated: boolean }
  | { kind: 'seq'; items: RegexNode[] }
  | { kind: 'alt'; options: RegexNode[] }
  | { kind: 'group'; index: number; body: RegexNode }
  | { kind: 'repeat'; body: RegexNode; min: number; max: number; greedy: boolean; groups: [number, number] }
  | { kind: 'assert'; what: Assertion };

type Inst =
  | { op: 'set'; ranges: Ranges; negated: boolean }
  | { op: 'split'; first: number; second: number }
  | { op: 'jmp'; to: number }
  | { op: 'save'; slot: number }
  | { op: 'reset'; from: number; to: number }
  | { op: 'mark'; slot: number }
  | { op: 'progress'; slot: number }
  | { op: 'assert'; what: Assertion }
  | { op: 'match' };

const MAX_CODE = 0xffff;
const DIGIT: Ranges = [0x30, 0x39];
const WORD: Ranges = [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];
const SPACE: Ranges = [
  0x09, 0x0d, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f,
  0x3000, 0x3000, 0xfeff, 0xfeff,
];
const LINE_TERMINATORS: Ranges = [0x0a, 0x0a, 0x0d, 0x0d, 0x2028, 0x2029];

function normalizeRanges(ranges: Ranges): Ranges {
  const pairs: [number, number][] = [];
  for (let index = 0; index + 1 < ranges.length; index += 2) pairs.push([ranges[index] ?? 0, ranges[index + 1] ?? 0]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: Ranges = [];
  for (const [lo, hi] of pairs) {
    const last = out.length - 1;
    if (last > 0 && lo <= (out[last] ?? 0) + 1) out[last] = Math.max(out[last] ?? 0, hi);
    else out.push(lo, hi);
  }
  return out;
}

function complement(ranges: Ranges): Ranges {
  const out: Ranges = [];
  let next = 0;
  for (let index = 0; index + 1 < ranges.length; index += 2) {
    const lo = ranges[index] ?? 0;
    if (lo > next) out.push(next, lo - 1);
    next = (ranges[index + 1] ?? 0) + 1;
  }
  if (next <= MAX_CODE) out.push(next, MAX_CODE);
  return out;
}

function inRanges(ranges: Ranges, code: number): boolean {
  let low = 0;
  let high = ranges.length / 2 - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (code < (ranges[middle * 2] ?? 0)) high = middle - 1;
    else if (code > (ranges[middle * 2 + 1] ?? 0)) low = middle + 1;
    else return true;
  }
  return false;
}

/** ECMAScript's Canonicalize for non-unicode ignoreCase matching (ECMA-262 22.2.2.7.3). */
let canonical: Uint16Array | undefined;
function canonicalTable(): Uint16Array {
  if (canonical) return canonical;
  const table = new Uint16Array(MAX_CODE + 1);
  for (let code = 0; code <= MAX_CODE; code++) {
    const upper = String.fromCharCode(code).toUpperCase();
    const mapped = upper.length === 1 ? upper.charCodeAt(0) : code;
    table[code] = code >= 128 && mapped < 128 ? code : mapped;
  }
  canonical = table;
  return table;
}

/** Every code unit whose canonical form is that of some member of `ranges` (what `[…]` matches under `i`). */
function caseClosure(ranges: Ranges): Ranges {
  const table = canonicalTable();
  const wanted = new Uint8Array(MAX_CODE + 1);
  for (let index = 0; index + 1 < ranges.length; index += 2) {
    for (let code = ranges[index] ?? 0; code <= (ranges[index + 1] ?? -1); code++) wanted[table[code] ?? 0] = 1;
  }
  const out: Ranges = [];
  for (let code = 0; code <= MAX_CODE; code++) {
    if (wanted[table[code] ?? 0] !== 1) continue;
    const last = out.length - 1;
    if (last > 0 && out[last] === code - 1) out[last] = code;
    else out.push(code, code);
  }
  return out;
}

const isLineTerminator = (code: number) => code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029;
const isWordCode = (code: number) => inRanges(WORD, code);
const isOctal = (char: string | undefined) => char !== undefined && char >= '0' && char <= '7';
const isHex = (text: string) => /^[0-9a-fA-F]+$/.test(text);

/** Counts capturing groups and notes whether any is named (both decide what `\1` and `\k` mean). */
function scanGroups(source: string): { count: number; named: boolean } {
  let count = 0;
  let named = false;
  let inClass = false;
  for (let index = 0; index < source.length; index++) {
    const char = source[index];
    if (char === '\\') index++;
    else if (inClass) inClass = char !== ']';
    else if (char === '[') inClass = true;
    else if (char === '(') {
      if (source[index + 1] !== '?') count++;
      else if (source[index + 2] === '<' && source[index + 3] !== '=' && source[index + 3] !== '!') {
        count++;
        named = true;
      }
    }
  }
  return { count, named };
}

/** Recursive-descent parser for the JavaScript (Annex B, non-unicode) pattern grammar. */
class Parser {
  readonly #source: string;
  readonly #ignoreCase: boolean;
  readonly #groups: { count: number; named: boolean };
  #pos = 0;
  #opened = 0;

  constructor(source: string, ignoreCase: boolean) {
    this.#source = source;
    this.#ignoreCase = ignoreCase;
    this.#groups = scanGroups(source);
  }

  get groupCount(): number {
    return this.#groups.count;
  }

  parse(): RegexNode {
    const node = this.#alternation();
    if (this.#pos < this.#source.length) this.#fail(`unexpected "${this.#source[this.#pos]}"`);
    return node;
  }

  #fail(reason: string): never {
    throw new RegexSyntaxError(`regular expression /${this.#source}/: ${reason}`);
  }

  #peek(offset = 0): string | undefined {
    return this.#source[this.#pos + offset];
  }

  #alternation(): RegexNode {
    const options = [this.#sequence()];
    while (this.#peek() === '|') {
      this.#pos++;
      options.push(this.#sequence());
    }
    return options.length === 1 && options[0] ? options[0] : { kind: 'alt', options };
  }

  #sequence(): RegexNode {
    const items: RegexNode[] = [];
    while (this.#pos < this.#source.length && this.#peek() !== '|' && this.#peek() !== ')') {
      items.push(this.#quantified());
    }
    return items.length === 1 && items[0] ? items[0] : { kind: 'seq', items };
  }

  #quantified(): RegexNode {
    const groupsBefore = this.#opened;
    const isGroup = this.#peek() === '(';
    const atom = this.#atom();
    // `^*` is a syntax error, but a group holding only an assertion may be repeated: `(?:$)*`.
    if (atom.kind === 'assert' && !isGroup) return atom;
    const quantifier = this.#quantifier();
    if (!quantifier) return atom;
    let greedy = true;
    if (this.#peek() === '?') {
      greedy = false;
      this.#pos++;
    }
    return { kind: 'repeat', body: atom, ...quantifier, greedy, groups: [groupsBefore + 1, this.#opened + 1] };
  }

  #quantifier(): { min: number; max: number } | undefined {
    const char = this.#peek();
    if (char === '*' || char === '+' || char === '?') {
      this.#pos++;
      return { min: char === '+' ? 1 : 0, max: char === '?' ? 1 : Number.POSITIVE_INFINITY };
    }
    const counted = char === '{' ? /^\{(\d+)(,(\d*))?\}/.exec(this.#source.slice(this.#pos)) : null;
    if (!counted) return undefined;
    this.#pos += counted[0].length;
    const min = Number(counted[1]);
    const max = counted[2] === undefined ? min : counted[3] ? Number(counted[3]) : Number.POSITIVE_INFINITY;
    return { min, max };
  }

  #atom(): RegexNode {
    const char = this.#peek();
    this.#pos++;
    switch (char) {
      case '^':
        return { kind: 'assert', what: 'start' };
      case '$':
        return { kind: 'assert', what: 'end' };
      case '.':
        return { kind: 'set', ranges: LINE_TERMINATORS, negated: true };
      case '(':
        return this.#group();
      case '[':
        return this.#characterClass();
      case '\\':
        return this.#atomEscape();
      case '*':
      case '+':
      case '?':
        return this.#fail('nothing to repeat');
      default:
        return this.#literal(char?.charCodeAt(0) ?? 0);
    }
  }

  #literal(code: number): RegexNode {
    return { kind: 'set', ranges: this.#ignoreCase ? caseClosure([code, code]) : [code, code], negated: false };
  }

  #set(ranges: Ranges, negated: boolean): RegexNode {
    return { kind: 'set', ranges: this.#ignoreCase ? caseClosure(ranges) : ranges, negated };
  }

  #group(): RegexNode {
    let index = 0;
    if (this.#peek() === '?') {
      const rest = this.#source.slice(this.#pos, this.#pos + 3);
      if (rest.startsWith('?:')) this.#pos += 2;
      else if (rest.startsWith('?=') || rest.startsWith('?!') || rest === '?<=' || rest === '?<!') {
        this.#fail('lookaround assertions ((?=…), (?!…), (?<=…), (?<!…)) are not supported');
      } else if (rest.startsWith('?<')) {
        const close = this.#source.indexOf('>', this.#pos);
        if (close === -1) this.#fail('unterminated group name');
        this.#pos = close + 1;
        index = ++this.#opened;
      } else this.#fail('this kind of group is not supported');
    } else index = ++this.#opened;
    const body = this.#alternation();
    if (this.#peek() !== ')') this.#fail('unterminated group');
    this.#pos++;
    return index === 0 ? body : { kind: 'group', index, body };
  }

  #atomEscape(): RegexNode {
    const char = this.#peek();
    if (char === 'b' || char === 'B') {
      this.#pos++;
      return { kind: 'assert', what: char === 'b' ? 'word' : 'notWord' };
    }
    if (char !== undefined && char >= '1' && char <= '9') {
      const digits = /^\d+/.exec(this.#source.slice(this.#pos))?.[0] ?? char;
      if (Number(digits) <= this.#groups.count) {
        this.#fail(`backreferences (\\${digits}) are not supported`);
      }
    }
    if (char === 'k' && this.#groups.named) this.#fail('backreferences (\\k<name>) are not supported');
    const escaped = this.#classOrCharEscape(false);
    return 'code' in escaped ? this.#literal(escaped.code) : this.#set(escaped.ranges, escaped.negated);
  }

  /** After a `\`: a character class escape (`\d`…) or one code unit.  `inClass`: `\b` is a backspace there. */
  #classOrCharEscape(inClass: boolean): { code: number } | { ranges: Ranges; negated: boolean } {
    const char = this.#peek();
    if (char === undefined) this.#fail('\\ at end of pattern');
    this.#pos++;
    switch (char) {
      case 'd':
      case 'D':
        return { ranges: DIGIT, negated: char === 'D' };
      case 'w':
      case 'W':
        return { ranges: WORD, negated: char === 'W' };
      case 's':
      case 'S':
        return { ranges: SPACE, negated: char === 'S' };
      case 't':
        return { code: 9 };
      case 'n':
        return { code: 10 };
      case 'v':
        return { code: 11 };
      case 'f':
        return { code: 12 };
      case 'r':
        return { code: 13 };
      case 'b':
        return { code: inClass ? 8 : 0x62 };
      case 'c': {
        const letter = this.#peek();
        const allowed = letter !== undefined && (/[A-Za-z]/.test(letter) || (inClass && /[0-9_]/.test(letter)));
        if (allowed) {
          this.#pos++;
          return { code: letter.charCodeAt(0) % 32 };
        }
        // Annex B: `\c` not followed by a control letter is a backslash; the `c` is read again as itself.
        this.#pos--;
        return { code: 0x5c };
      }
      case 'x':
      case 'u': {
        const length = char === 'x' ? 2 : 4;
        const hex = this.#source.slice(this.#pos, this.#pos + length);
        if (hex.length === length && isHex(hex)) {
          this.#pos += length;
          return { code: Number.parseInt(hex, 16) };
        }
        return { code: char.charCodeAt(0) };
      }
      default:
        return isOctal(char) ? this.#legacyOctal(char) : { code: char.charCodeAt(0) };
    }
  }

  /** Annex B's legacy octal escapes (`\0`, `\12`, `\377`); `\8` and `\9` stand for themselves. */
  #legacyOctal(first: string): { code: number } {
    let value = Number(first);
    const maxDigits = first <= '3' ? 3 : 2;
    for (let count = 1; count < maxDigits && isOctal(this.#peek()); count++) {
      value = value * 8 + Number(this.#peek());
      this.#pos++;
    }
    return { code: value };
  }

  #characterClass(): RegexNode {
    let negated = false;
    if (this.#peek() === '^') {
      negated = true;
      this.#pos++;
    }
    const ranges: Ranges = [];
    while (this.#peek() !== ']') {
      if (this.#pos >= this.#source.length) this.#fail('unterminated character class');
      const from = this.#classAtom();
      if (this.#peek() === '-' && this.#peek(1) !== ']' && this.#peek(1) !== undefined) {
        this.#pos++;
        const to = this.#classAtom();
        if ('code' in from && 'code' in to) {
          if (from.code > to.code) this.#fail('range out of order in character class');
          ranges.push(from.code, to.code);
          continue;
        }
        // Annex B: a range with a class escape at either end is the two sets and a literal "-".
        addClassAtom(ranges, from);
        addClassAtom(ranges, to);
        ranges.push(0x2d, 0x2d);
        continue;
      }
      addClassAtom(ranges, from);
    }
    this.#pos++;
    return this.#set(normalizeRanges(ranges), negated);
  }

  #classAtom(): { code: number } | { ranges: Ranges; negated: boolean } {
    const char = this.#peek();
    this.#pos++;
    if (char !== '\\') return { code: char?.charCodeAt(0) ?? 0 };
    const next = this.#peek();
    if (next === '8' || next === '9' || next === 'B' || next === 'k' || next === '-') {
      this.#pos++;
      return { code: next.charCodeAt(0) };
    }
    return this.#classOrCharEscape(true);
  }
}

function addClassAtom(ranges: Ranges, atom: { code: number } | { ranges: Ranges; negated: boolean }): void {
  if ('code' in atom) ranges.push(atom.code, atom.code);
  else ranges.push(...(atom.negated ? complement(atom.ranges) : atom.ranges));
}

interface Program {
  insts: Inst[];
  /** Capture slots (2 per group, group 0 = the whole match) followed by one progress register per loop. */
  slots: number;
  groupCount: number;
}

class Compiler {
  readonly insts: Inst[] = [];
  #registers = 0;
  readonly #firstRegister: number;
  readonly #source: string;

  constructor(groupCount: number, source: string) {
    this.#firstRegister = (groupCount + 1) * 2;
    this.#source = source;
  }

  get slots(): number {
    return this.#firstRegister + this.#registers;
  }

  #emit(inst: Inst): number {
    if (this.insts.length >= MAX_REGEX_PROGRAM_SIZE) {
      throw new RegexSyntaxError(
        `regular expression /${this.#source}/ is too large once its counted repetitions ({n,m}) are expanded`,
      );
    }
    this.insts.push(inst);
    return this.insts.length - 1;
  }

  #patch(at: number, inst: Inst): void {
    this.insts[at] = inst;
  }

  compile(node: RegexNode): void {
    switch (node.kind) {
      case 'set':
        this.#emit({ op: 'set', ranges: node.ranges, negated: node.negated });
        return;
      case 'assert':
        this.#emit({ op: 'assert', what: node.what });
        return;
      case 'seq':
        for (const item of node.items) this.compile(item);
        return;
      case 'group':
        this.#emit({ op: 'save', slot: node.index * 2 });
        this.compile(node.body);
        this.#emit({ op: 'save', slot: node.index * 2 + 1 });
        return;
      case 'alt': {
        const jumps: number[] = [];
        node.options.forEach((option, index) => {
          if (index === node.options.length - 1) {
            this.compile(option);
            return;
          }
          const split = this.#emit({ op: 'jmp', to: -1 });
          this.compile(option);
          jumps.push(this.#emit({ op: 'jmp', to: -1 }));
          this.#patch(split, { op: 'split', first: split + 1, second: this.insts.length });
        });
        for (const jump of jumps) this.#patch(jump, { op: 'jmp', to: this.insts.length });
        return;
      }
      case 'repeat':
        this.#repeat(node);
    }
  }

  /**
   * ECMAScript repetition: each iteration forgets the captures made inside the body by the previous one, and an
   * optional iteration (past `min`) that matches the empty string fails (the `progress` check).
   */
  #repeat(node: Extract<RegexNode, { kind: 'repeat' }>): void {
    const [firstGroup, endGroup] = node.groups;
    const resets = endGroup > firstGroup;
    const iteration = (optional: boolean) => {
      if (resets) this.#emit({ op: 'reset', from: firstGroup * 2, to: endGroup * 2 });
      const register = optional ? this.#firstRegister + this.#registers++ : -1;
      if (optional) this.#emit({ op: 'mark', slot: register });
      this.compile(node.body);
      if (optional) this.#emit({ op: 'progress', slot: register });
    };
    for (let count = 0; count < node.min; count++) iteration(false);
    if (node.max === Number.POSITIVE_INFINITY) {
      const loop = this.#emit({ op: 'jmp', to: -1 });
      iteration(true);
      this.#emit({ op: 'jmp', to: loop });
      this.#patch(loop, this.#choice(node.greedy, loop + 1, this.insts.length));
      return;
    }
    const exits: number[] = [];
    for (let count = node.min; count < node.max; count++) {
      exits.push(this.#emit({ op: 'jmp', to: -1 }));
      iteration(true);
    }
    for (const exit of exits) this.#patch(exit, this.#choice(node.greedy, exit + 1, this.insts.length));
  }

  #choice(greedy: boolean, body: number, after: number): Inst {
    return greedy ? { op: 'split', first: body, second: after } : { op: 'split', first: after, second: body };
  }
}

/**
 * Parses and compiles a pattern; throws `RegexSyntaxError` for what the engine refuses.
 *
 * @example
 * compileRegex('(a+)+$', '');        // fine: linear time
 * compileRegex('(a)\\1', '');        // throws: backreferences are not supported
 */
function compileRegex(source: string, flags: string): Program {
  const parser = new Parser(source, flags.includes('i'));
  const tree = parser.parse();
  const compiler = new Compiler(parser.groupCount, source);
  compiler.compile({ kind: 'group', index: 0, body: tree });
  compiler.insts.push({ op: 'match' });
  return { insts: compiler.insts, slots: compiler.slots, groupCount: parser.groupCount };
}

const programs = new Map<string, Program>();
function programFor(source: string, flags: string): Program {
  const key = `${flags}/${source}`;
  let program = programs.get(key);
  if (!program) {
    program = compileRegex(source, flags);
    if (programs.size > 1000) programs.clear();
    programs.set(key, program);
  }
  return program;
}

/**
 * Returns why the linear engine refuses a pattern, or undefined when it can run it.
 *
 * @example
 * regexProblem('(\\w+)\\s\\1', ''); // 'regular expression /(\w+)\s\1/: backreferences (\1) are not supported'
 */
export function regexProblem(source: string, flags: string): string | undefined {
  try {
    programFor(source, flags);
    return undefined;
  } catch (error) {
    if (error instanceof RegexSyntaxError) return error.message;
    throw error;
  }
}

/** One list of threads (program counters with their capture slots), at most one per instruction. */
class ThreadList {
  pcs: Int32Array;
  caps: Int32Array[] = [];
  length = 0;
  readonly seen: Int32Array;
  generation = 0;

  constructor(size: number) {
    this.pcs = new Int32Array(size);
    this.seen = new Int32Array(size).fill(-1);
  }

  clear(generation: number): void {
    this.length = 0;
    this.caps.length = 0;
    this.generation = generation;
  }
}

/** Receives the work a match did (thread steps), so a caller can meter it. */
export type RegexWorkMeter = (steps: number) => void;

/**
 * The `RegexEngine` JSONata constructs for each regex literal: `exec` and `lastIndex` as on a RegExp.
 *
 * @example
 * const re = new LinearRegExp(/(\d+)-(\d+)/g);
 * re.exec('from 10-20'); // ['10-20', '10', '20'] with index 5; re.lastIndex === 10
 */
export class LinearRegExp {
  lastIndex = 0;
  readonly source: string;
  readonly flags: string;
  readonly global: boolean;
  readonly #program: Program;
  readonly #multiline: boolean;
  readonly #meter: RegexWorkMeter | undefined;

  constructor(pattern: RegExp | string, flags?: string, meter?: RegexWorkMeter) {
    this.source = typeof pattern === 'string' ? pattern : pattern.source;
    this.flags = flags ?? (typeof pattern === 'string' ? '' : pattern.flags);
    const unsupported = this.flags.replace(/[gim]/g, '');
    if (unsupported !== '') throw new RegexSyntaxError(`regular expression flag "${unsupported}" is not supported`);
    this.global = this.flags.includes('g');
    this.#multiline = this.flags.includes('m');
    this.#program = programFor(this.source, this.flags);
    this.#meter = meter;
  }

  test(input: string): boolean {
    return this.exec(input) !== null;
  }

  exec(input: string): ((string | undefined)[] & { index: number; input: string }) | null {
    const start = this.global ? this.lastIndex : 0;
    if (start > input.length) {
      this.lastIndex = 0;
      return null;
    }
    const caps = this.#run(input, start);
    if (!caps) {
      if (this.global) this.lastIndex = 0;
      return null;
    }
    const groups: (string | undefined)[] = [];
    for (let group = 0; group <= this.#program.groupCount; group++) {
      const from = caps[group * 2] ?? -1;
      const to = caps[group * 2 + 1] ?? -1;
      groups.push(from >= 0 && to >= 0 ? input.slice(from, to) : undefined);
    }
    const end = caps[1] ?? start;
    if (this.global) this.lastIndex = end;
    return Object.assign(groups, { index: caps[0] ?? start, input });
  }

  /** The Pike VM: threads advance in lock-step over the input, in priority order (leftmost-first semantics). */
  #run(input: string, start: number): Int32Array | undefined {
    const { insts, slots } = this.#program;
    let current = new ThreadList(insts.length);
    let next = new ThreadList(insts.length);
    let matched: Int32Array | undefined;
    let work = 0;
    let generation = 0;
    current.clear(generation++);
    for (let pos = start; ; pos++) {
      if (!matched) work += this.#addThread(current, 0, pos, new Int32Array(slots).fill(-1), input);
      if (current.length === 0 && (matched || pos >= input.length)) break;
      next.clear(generation++);
      const code = pos < input.length ? input.charCodeAt(pos) : -1;
      for (let index = 0; index < current.length; index++) {
        work++;
        const pc = current.pcs[index] ?? 0;
        const inst = insts[pc];
        const caps = current.caps[index];
        if (!inst || !caps) continue;
        if (inst.op === 'match') {
          matched = caps;
          break; // lower-priority threads lose to this match
        }
        if (inst.op === 'set' && code >= 0 && inRanges(inst.ranges, code) !== inst.negated) {
          work += this.#addThread(next, pc + 1, pos + 1, caps, input);
        }
      }
      if (work > 4096) {
        this.#meter?.(work);
        work = 0;
      }
      [current, next] = [next, current];
      if (pos >= input.length) break;
    }
    this.#meter?.(work);
    return matched;
  }

  /** Follows empty moves from `pc` depth-first (first alternative first) and queues the threads that consume input. */
  #addThread(list: ThreadList, startPc: number, pos: number, startCaps: Int32Array, input: string): number {
    const { insts } = this.#program;
    const stack: { pc: number; caps: Int32Array }[] = [{ pc: startPc, caps: startCaps }];
    let work = 0;
    for (let frame = stack.pop(); frame; frame = stack.pop()) {
      work++;
      const { pc, caps } = frame;
      const inst = insts[pc];
      if (!inst) continue;
      switch (inst.op) {
        case 'save':
        case 'mark': {
          const copy = caps.slice();
          copy[inst.slot] = pos;
          stack.push({ pc: pc + 1, caps: copy });
          break;
        }
        case 'reset': {
          const copy = caps.slice();
          copy.fill(-1, inst.from, inst.to);
          stack.push({ pc: pc + 1, caps: copy });
          break;
        }
        case 'progress':
          if (caps[inst.slot] !== pos) stack.push({ pc: pc + 1, caps });
          break;
        case 'assert':
          if (this.#holds(inst.what, input, pos)) stack.push({ pc: pc + 1, caps });
          break;
        default: {
          if (list.seen[pc] === list.generation) break;
          list.seen[pc] = list.generation;
          if (inst.op === 'jmp') stack.push({ pc: inst.to, caps });
          else if (inst.op === 'split') {
            stack.push({ pc: inst.second, caps });
            stack.push({ pc: inst.first, caps });
          } else {
            list.pcs[list.length] = pc;
            list.caps[list.length] = caps;
            list.length++;
          }
        }
      }
    }
    return work;
  }

  #holds(what: Assertion, input: string, pos: number): boolean {
    switch (what) {
      case 'start':
        return pos === 0 || (this.#multiline && isLineTerminator(input.charCodeAt(pos - 1)));
      case 'end':
        return pos === input.length || (this.#multiline && isLineTerminator(input.charCodeAt(pos)));
      default: {
        const before = pos > 0 && isWordCode(input.charCodeAt(pos - 1));
        const after = pos < input.length && isWordCode(input.charCodeAt(pos));
        return (before !== after) === (what === 'word');
      }
    }
  }
}
