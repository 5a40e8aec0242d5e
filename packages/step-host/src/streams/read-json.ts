import { JsonChunkParser, parseJsonChunks } from './json-chunks.ts';
import { utf8Chunks } from './read-utf8.ts';

/**
 * Reads a stream of UTF-8 buffers as one JSON value, decoding and parsing chunk by chunk: a 50 MB body costs its
 * parsed value plus about a megabyte of text, never the whole text too (see json-chunks.ts).
 */
export function readJson(body: AsyncIterable<unknown>): Promise<unknown> {
  return parseJsonChunks(utf8Chunks(body));
}

/** A body that is not JSON is kept as text up to this many characters, so the caller can still show or use it. */
export const KEEP_TEXT_CHARS = 1024 * 1024;

export type JsonOrText = { json: unknown } | { text: string };

/**
 * Reads a body that says it is JSON: its value (`json`; an empty body is `null`), or — when it does not parse and is
 * at most KEEP_TEXT_CHARS long — its text, for the caller to decide what an invalid body means.  A larger body that
 * does not parse fails with the parser's SyntaxError (as soon as the text cannot be JSON, without reading on).
 */
export async function readJsonOrText(body: AsyncIterable<unknown>): Promise<JsonOrText> {
  const parser = new JsonChunkParser();
  let kept: string[] | undefined = [];
  let keptChars = 0;
  let failure: unknown;
  const take = (text: string) => {
    if (kept !== undefined) {
      keptChars += text.length;
      if (keptChars <= KEEP_TEXT_CHARS) kept.push(text);
      else kept = undefined;
    }
    if (failure === undefined) {
      try {
        parser.write(text);
      } catch (error) {
        failure = error;
      }
    }
    if (failure !== undefined && kept === undefined) throw failure;
  };
  for await (const text of utf8Chunks(body)) take(text);
  if (keptChars === 0) return { json: null };
  if (failure === undefined) {
    try {
      return { json: parser.end() };
    } catch (error) {
      failure = error;
    }
  }
  if (kept !== undefined) return { text: kept.join('') };
  throw failure;
}
