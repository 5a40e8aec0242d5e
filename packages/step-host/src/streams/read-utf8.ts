import { StringDecoder } from 'node:string_decoder';

/**
 * Reads a stream of UTF-8 buffers as text, decoding chunk by chunk: each chunk is garbage once decoded, so a 50 MB
 * body peaks at its text twice (the parts, then the joined string), not at the chunks + one buffer of them all + the
 * text.  A character split across two chunks is decoded whole.
 */
export async function readUtf8(body: AsyncIterable<unknown>): Promise<string> {
  const parts: string[] = [];
  for await (const text of utf8Chunks(body)) parts.push(text);
  return parts.join('');
}

/** The stream's UTF-8 buffers as text, one piece per buffer; a character split across two buffers is decoded whole. */
export async function* utf8Chunks(body: AsyncIterable<unknown>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of body) yield decoder.write(chunk as Buffer);
  yield decoder.end();
}
