import { StringDecoder } from 'node:string_decoder';

/**
 * Reads a stream of UTF-8 buffers as text, decoding chunk by chunk: each chunk is garbage once decoded, so a 50 MB
 * body peaks at its text twice (the parts, then the joined string), not at the chunks + one buffer of them all + the
 * text.  A character split across two chunks is decoded whole.
 */
export async function readUtf8(body: AsyncIterable<unknown>): Promise<string> {
  const decoder = new StringDecoder('utf8');
  const parts: string[] = [];
  for await (const chunk of body) parts.push(decoder.write(chunk as Buffer));
  parts.push(decoder.end());
  return parts.join('');
}
