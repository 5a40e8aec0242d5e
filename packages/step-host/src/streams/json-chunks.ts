/**
 * Parses JSON text that arrives in chunks without ever holding the whole text: a 50 MB body costs its parsed value
 * plus about a megabyte of text, where `JSON.parse(await readAll())` costs the text (twice while it is joined) and the
 * value together.
 *
 * The engine's own `JSON.parse` still does the parsing, so values are exactly what it makes (`__proto__` an own data
 * property, duplicate keys last-wins, the same numbers and strings): this only finds where to cut.  A scan tracks the
 * nesting of the text as it arrives; complete members of a container are parsed a batch at a time
 * (`JSON.parse('[' + members + ']')`); a member that grows past `openAt` characters before it ends is *opened* — its
 * own container is built here and its members parsed the same way, at most `maxOpenDepth` containers deep (deeper,
 * a member is parsed whole, as before).  Strings and numbers are never cut: a single 50 MB string is held whole.
 */
export interface JsonChunkOptions {
  /** A member longer than this many characters is built member by member instead of parsed whole. */
  openAt?: number;
  /** Complete members are parsed once this many characters of them have arrived. */
  batchChars?: number;
  /** Containers built member by member, at most this deep. */
  maxOpenDepth?: number;
}

const OPEN_AT = 1024 * 1024;
const BATCH_CHARS = 64 * 1024;
const MAX_OPEN_DEPTH = 64;
/** `write` scans at most this much at a time, so a member is opened soon after it passes `openAt`. */
const SEGMENT_CHARS = 64 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const COLON = 0x3a;
const isWhitespace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** 1 for the characters that change the nesting: `"`, `[`, `]`, `{`, `}` and `,`. */
const STRUCTURAL = new Uint8Array(128);
for (const c of [QUOTE, OPEN_ARRAY, CLOSE_ARRAY, OPEN_OBJECT, CLOSE_OBJECT, COMMA]) STRUCTURAL[c] = 1;

interface Frame {
  kind: 'root' | 'array' | 'object';
  /**
   * The container being built (root: the document's value once known).  An array is built as its parts — each
   * batch JSON.parse made — and joined once when it closes: pushing millions of items one by one is several times
   * slower than one copy into an array of the final length.
   */
  value: unknown;
  /** The key under which this container goes into its parent object. */
  key: string | undefined;
}

export class JsonChunkParser {
  readonly #openAt: number;
  readonly #batchChars: number;
  readonly #maxOpenDepth: number;
  readonly #frames: Frame[] = [{ kind: 'root', value: undefined, key: undefined }];
  /** The run: text of the top frame's members that has arrived and is not parsed yet. */
  #pieces: string[] = [];
  #piecesLength = 0;
  /** Absolute position of the run's first character, for error messages. */
  #runStart = 0;
  /** Run offset where the member being scanned starts (after the last comma between members). */
  #memberStart = 0;
  /** A comma was seen, so a member must follow before the container closes. */
  #needMember = false;
  /** The top frame's last member was a container built here: only `,` or the frame's close may follow. */
  #afterMember = false;
  #depth = 0;
  #inString = false;
  #escapeNext = false;
  #position = 0;
  #ended = false;

  constructor(options: JsonChunkOptions = {}) {
    this.#openAt = options.openAt ?? OPEN_AT;
    this.#batchChars = options.batchChars ?? BATCH_CHARS;
    this.#maxOpenDepth = options.maxOpenDepth ?? MAX_OPEN_DEPTH;
  }

  /** Takes the next piece of the text; throws a SyntaxError as soon as the text cannot be JSON. */
  write(text: string): void {
    if (this.#ended) throw new Error('JsonChunkParser: write after end');
    for (let at = 0; at < text.length; at += SEGMENT_CHARS) {
      const segment = text.length <= SEGMENT_CHARS ? text : text.slice(at, at + SEGMENT_CHARS);
      const base = this.#position;
      this.#position += segment.length;
      this.#scan(segment, base);
    }
  }

  /** The parsed value; throws a SyntaxError when the text ended before the value did. */
  end(): unknown {
    this.#ended = true;
    const root = this.#frames[0] as Frame;
    if (this.#frames.length > 1) throw new SyntaxError('Unexpected end of JSON input');
    if (this.#afterMember) return root.value;
    const text = this.#takeRun(this.#piecesLength);
    if (!hasContent(text)) throw new SyntaxError('Unexpected end of JSON input');
    return this.#parse(text, this.#runStart);
  }

  #scan(text: string, base: number): void {
    let i = 0;
    // Where this text's part of the run begins.
    let runFrom = 0;
    let nextQuote = -1;
    let nextBackslash = -1;
    while (i < text.length) {
      if (this.#afterMember) {
        const c = text.charCodeAt(i);
        if (isWhitespace(c)) {
          i++;
          continue;
        }
        const frame = this.#top();
        if (c === COMMA && frame.kind !== 'root') {
          this.#afterMember = false;
          this.#needMember = true;
          i++;
          runFrom = i;
          this.#runStart = base + i;
          continue;
        }
        if ((c === CLOSE_ARRAY && frame.kind === 'array') || (c === CLOSE_OBJECT && frame.kind === 'object')) {
          i++;
          this.#closeFrame();
          runFrom = i;
          this.#runStart = base + i;
          continue;
        }
        throw unexpected(text, i, base);
      }
      if (this.#escapeNext) {
        this.#escapeNext = false;
        i++;
        continue;
      }
      if (this.#inString) {
        // Jump to the string's next quote or backslash; both positions are kept for the rest of the text, so long
        // strings cost one native search each, not a search to the end of the text per string.
        if (nextQuote < i) nextQuote = indexOrEnd(text, '"', i);
        if (nextBackslash < i) nextBackslash = indexOrEnd(text, '\\', i);
        if (nextBackslash < nextQuote) {
          i = nextBackslash + 2;
          if (i > text.length) this.#escapeNext = true;
          continue;
        }
        if (nextQuote === text.length) break;
        i = nextQuote + 1;
        this.#inString = false;
        continue;
      }
      let at = i;
      let c = 0;
      while (at < text.length) {
        c = text.charCodeAt(at);
        if (c < 0x80 && STRUCTURAL[c] === 1) break;
        at++;
      }
      if (at === text.length) break;
      i = at + 1;
      if (c === QUOTE) this.#inString = true;
      else if (c === OPEN_ARRAY || c === OPEN_OBJECT) this.#depth++;
      else if (this.#depth > 0) {
        if (c !== COMMA) this.#depth--;
      } else if (c === COMMA) {
        if (this.#top().kind === 'root') throw unexpected(text, at, base);
        const offset = this.#piecesLength + (at - runFrom);
        if (offset >= this.#batchChars) {
          this.#pieces.push(text.slice(runFrom, at));
          this.#piecesLength += at - runFrom;
          this.#flush(this.#takeRun(offset));
          this.#needMember = true;
          runFrom = i;
          this.#runStart = base + i;
          this.#memberStart = 0;
        } else {
          this.#memberStart = offset + 1;
        }
      } else {
        // A close at depth 0 ends the top frame's container.
        const frame = this.#top();
        const matches =
          (c === CLOSE_ARRAY && frame.kind === 'array') || (c === CLOSE_OBJECT && frame.kind === 'object');
        if (!matches) throw unexpected(text, at, base);
        this.#pieces.push(text.slice(runFrom, at));
        this.#piecesLength += at - runFrom;
        const run = this.#takeRun(this.#piecesLength);
        if (hasContent(run)) this.#flush(run);
        else if (this.#needMember) throw unexpected(text, at, base);
        this.#closeFrame();
        runFrom = i;
        this.#runStart = base + i;
      }
    }
    if (this.#afterMember || runFrom >= text.length) return;
    this.#pieces.push(runFrom === 0 ? text : text.slice(runFrom));
    this.#piecesLength += text.length - runFrom;
    if (
      this.#depth > 0 &&
      this.#piecesLength - this.#memberStart > this.#openAt &&
      this.#frames.length <= this.#maxOpenDepth
    ) {
      this.#open();
    }
  }

  /** Builds the member being scanned (a container past `openAt`) here, member by member. */
  #open(): void {
    const runStart = this.#runStart;
    const run = this.#takeRun(this.#piecesLength);
    const memberStart = this.#memberStart;
    if (memberStart > 0) this.#flush(run.slice(0, memberStart - 1));
    const parent = this.#top();
    let at = skipWhitespace(run, memberStart);
    let key: string | undefined;
    if (parent.kind === 'object') {
      if (run.charCodeAt(at) !== QUOTE) throw unexpected(run, at, runStart);
      const keyEnd = stringEnd(run, at + 1);
      key = this.#parse(run.slice(at, keyEnd), runStart + at) as string;
      at = skipWhitespace(run, keyEnd);
      if (run.charCodeAt(at) !== COLON) throw unexpected(run, at, runStart);
      at = skipWhitespace(run, at + 1);
    }
    const c = run.charCodeAt(at);
    if (c !== OPEN_ARRAY && c !== OPEN_OBJECT) throw unexpected(run, at, runStart);
    this.#frames.push(
      c === OPEN_ARRAY ? { kind: 'array', value: [] as unknown[][], key } : { kind: 'object', value: {}, key },
    );
    this.#depth = 0;
    this.#inString = false;
    this.#escapeNext = false;
    this.#needMember = false;
    this.#runStart = runStart + at + 1;
    this.#scan(run.slice(at + 1), runStart + at + 1);
  }

  /** The run's text (its first `length` characters, which are all it holds), leaving the run empty. */
  #takeRun(length: number): string {
    const text = this.#pieces.length === 1 ? (this.#pieces[0] as string) : this.#pieces.join('');
    this.#pieces = [];
    this.#piecesLength = 0;
    this.#memberStart = 0;
    return text.length === length ? text : text.slice(0, length);
  }

  /** Parses complete members of the top frame and adds them to its container. */
  #flush(members: string): void {
    const frame = this.#top();
    if (frame.kind === 'array') {
      const items = this.#parse(`[${members}]`, this.#runStart - 1) as unknown[];
      (frame.value as unknown[][]).push(items);
    } else {
      const entries = this.#parse(`{${members}}`, this.#runStart - 1) as Record<string, unknown>;
      const target = frame.value as Record<string, unknown>;
      for (const key of Object.keys(entries)) setOwn(target, key, entries[key]);
    }
  }

  /** The top frame's container is complete: it becomes its parent's member. */
  #closeFrame(): void {
    const done = this.#frames.pop() as Frame;
    const value = done.kind === 'array' ? joinParts(done.value as unknown[][]) : done.value;
    const parent = this.#top();
    if (parent.kind === 'root') parent.value = value;
    else if (parent.kind === 'array') (parent.value as unknown[][]).push([value]);
    else setOwn(parent.value as Record<string, unknown>, done.key as string, value);
    this.#afterMember = true;
    this.#needMember = false;
    this.#depth = 0;
  }

  #top(): Frame {
    return this.#frames[this.#frames.length - 1] as Frame;
  }

  #parse(text: string, position: number): unknown {
    try {
      return JSON.parse(text);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      throw new SyntaxError(`${error.message} (in the JSON text from position ${Math.max(position, 0)})`);
    }
  }
}

/** Parses a stream of text chunks as one JSON value (see JsonChunkParser). */
export async function parseJsonChunks(chunks: AsyncIterable<string>, options?: JsonChunkOptions): Promise<unknown> {
  const parser = new JsonChunkParser(options);
  for await (const chunk of chunks) parser.write(chunk);
  return parser.end();
}

function joinParts(parts: unknown[][]): unknown[] {
  if (parts.length === 1) return parts[0] as unknown[];
  let length = 0;
  for (const part of parts) length += part.length;
  const joined = new Array<unknown>(length);
  let at = 0;
  for (const part of parts) for (let i = 0; i < part.length; i++) joined[at++] = part[i];
  return joined;
}

/** Like JSON.parse and object spread: an own data property whatever the key, `__proto__` included. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

function indexOrEnd(text: string, search: string, from: number): number {
  const at = text.indexOf(search, from);
  return at === -1 ? text.length : at;
}

function hasContent(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isWhitespace(text.charCodeAt(i))) return true;
  return false;
}

function skipWhitespace(text: string, from: number): number {
  let i = from;
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

/** The index after the closing quote of the string whose contents start at `from`. */
function stringEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  return text.length;
}

function unexpected(text: string, at: number, base: number): SyntaxError {
  if (at >= text.length) return new SyntaxError(`Unexpected end of JSON input at position ${base + at}`);
  return new SyntaxError(`Unexpected character ${JSON.stringify(text[at])} in JSON at position ${base + at}`);
}
