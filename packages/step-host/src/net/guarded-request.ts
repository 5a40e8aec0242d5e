import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { defineOwn, StepError } from '@pipewright/step-sdk';
import { readJsonOrText } from '../streams/read-json.ts';
import { readUtf8 } from '../streams/read-utf8.ts';
import { type AddressVerdict, classifyAddress, isAllowed, type NetworkAllowance } from './address-policy.ts';
import { classifyHostName } from './host-names.ts';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address it has (like `dns.lookup(host, { all: true })`); tests inject fakes. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolve: ResolveHost = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** What a request may reach: the allowance, narrowed to `allowedHosts` (names or IPs; `*.example.com`) when set. */
export interface RequestNetworkPolicy extends NetworkAllowance {
  allowedHosts?: string[];
}

export interface GuardedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  policy: RequestNetworkPolicy;
  resolve?: ResolveHost;
  maxRedirects?: number;
  /** The largest body read, after decompression; default DEFAULT_MAX_RESPONSE_BYTES. */
  maxResponseBytes?: number;
  /** Parse a JSON body as it arrives (see the step SDK's `HttpRequest.parseJson`). */
  parseJson?: 'if-json-content-type' | 'always';
}

/**
 * A response body is held in the worker's memory whole (as text, then parsed): one flow fetching gigabytes must fail
 * its step, not take the worker — and every workspace's runs on it — down.  `PIPEWRIGHT_HTTP_MAX_RESPONSE_BYTES`.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 128 * 1024 * 1024;

/** `PIPEWRIGHT_HTTP_MAX_RESPONSE_BYTES`: a positive whole number of bytes; unset, the default. */
export function parseMaxResponseBytes(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return DEFAULT_MAX_RESPONSE_BYTES;
  const bytes = Number(text);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new Error(`PIPEWRIGHT_HTTP_MAX_RESPONSE_BYTES: "${text}" is not a positive whole number of bytes`);
  }
  return bytes;
}

export interface GuardedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The parsed body, when `parseJson` asked for it and the body was JSON. */
  json?: unknown;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * One HTTP request with an SSRF guard: for every hop (redirects are followed here, at most 5), a host name must pass
 * the policy by name (cloud metadata, Kubernetes API and in-cluster names: `host-names.ts`) before it is resolved,
 * every address it resolves to must pass the policy, and the connection is made to the first checked address — never
 * re-resolved — so a DNS answer that changes between check and connect (rebinding) cannot reach another address.
 * The Host header and TLS SNI stay the host name.
 */
export async function guardedRequest(request: GuardedRequest): Promise<GuardedResponse> {
  const resolve = request.resolve ?? systemResolve;
  const maxRedirects = request.maxRedirects ?? 5;
  const maxResponseBytes = request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  let url = new URL(request.url);
  let method = request.method;
  let body = request.body;
  let headers = { ...request.headers };
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new StepError(`Blocked request to ${url.protocol} URL: only http:// and https:// are allowed`, {
        retryable: false,
      });
    }
    const pinned = await checkHost(url, request.policy, resolve);
    const response = await send(url, method, headers, body, pinned, request.signal, {
      maxBytes: maxResponseBytes,
      ...(request.parseJson ? { parseJson: request.parseJson } : {}),
    });
    const location = response.headers.location;
    if (!REDIRECTS.has(response.status) || location === undefined) return response;
    if (hop >= maxRedirects) {
      throw new StepError(`${method} ${url.origin}${url.pathname}: more than ${maxRedirects} redirects`, {
        retryable: false,
      });
    }
    const next = new URL(location, url);
    // Same rules as fetch: 303 (and 301/302 after a POST) become a GET without body; credentials stay on the origin.
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      if (method !== 'HEAD') method = 'GET';
      body = undefined;
      headers = withoutHeaders(headers, ['content-type', 'content-length']);
    }
    if (next.origin !== url.origin)
      headers = withoutHeaders(headers, ['authorization', 'cookie', 'proxy-authorization']);
    url = next;
  }
}

/** Resolves the URL's host and checks every address; returns the one to connect to. */
async function checkHost(url: URL, policy: RequestNetworkPolicy, resolve: ResolveHost): Promise<ResolvedAddress> {
  // The WHATWG parser already normalised 2130706433, 0x7f.1 and 017700000001 to 127.0.0.1, and IPv6 to brackets.
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const literal = isIP(hostname);
  const allowance = allowanceFor(hostname, policy);
  let addresses: ResolvedAddress[];
  if (literal !== 0) addresses = [{ address: hostname, family: literal }];
  else {
    // Metadata and in-cluster names are refused by name first: no DNS query leaves, whatever they would resolve to.
    const byName = classifyHostName(hostname);
    if (byName !== undefined && !isAllowed(byName, allowance)) throw blocked(byName);
    try {
      addresses = await resolve(hostname);
    } catch (error) {
      throw new Error(`could not resolve ${hostname}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }
  if (addresses.length === 0) throw new Error(`could not resolve ${hostname}: no addresses`);
  for (const { address } of addresses) {
    const verdict = classifyAddress(address);
    if (!isAllowed(verdict, allowance)) throw blocked(verdict);
  }
  return addresses[0] as ResolvedAddress;
}

function allowanceFor(hostname: string, policy: RequestNetworkPolicy): NetworkAllowance {
  if (!policy.allowedHosts || policy.allowedHosts.length === 0) return policy;
  const host = hostname.toLowerCase();
  const listed = policy.allowedHosts.some((pattern) => {
    const wanted = pattern.toLowerCase();
    return wanted.startsWith('*.') ? host.endsWith(wanted.slice(1)) : host === wanted;
  });
  return listed ? policy : { allowPrivate: false, allowMetadata: false };
}

function blocked(verdict: AddressVerdict): StepError {
  const hint =
    verdict.class === 'private'
      ? 'an admin can allow private networks on the credential used by this node'
      : verdict.class === 'metadata'
        ? 'cloud metadata and cluster API hosts stay blocked unless an admin allows metadata on the credential used by this node'
        : 'this address is never reachable from a step';
  return new StepError(`Blocked request to ${verdict.address} (${verdict.reason}) — ${hint}`, {
    retryable: false,
    details: { address: verdict.address, reason: verdict.reason },
  });
}

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  pinned: ResolvedAddress,
  signal: AbortSignal,
  reading: BodyReading,
): Promise<GuardedResponse> {
  // Node calls this instead of DNS: it can only ever connect to the address checked above.
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  };
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolvePromise, reject) => {
    const outgoing = send(
      {
        protocol: url.protocol,
        hostname,
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method,
        headers: { ...headers, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) },
        lookup,
        // A pooled socket could have been opened for another check: one connection per hop.
        agent: false,
        signal,
        ...(url.protocol === 'https:' && isIP(hostname) === 0 ? { servername: hostname } : {}),
      },
      (response) => {
        readBody(response, reading).then(
          (read) => resolvePromise({ status: response.statusCode ?? 0, headers: flatHeaders(response), ...read }),
          reject,
        );
      },
    );
    outgoing.on('error', (error) => {
      if (signal.aborted) reject(signal.reason instanceof Error ? signal.reason : error);
      else reject(new Error(`connecting to ${pinned.address}: ${describe(error)}`, { cause: error }));
    });
    outgoing.end(body);
  });
}

interface BodyReading {
  maxBytes: number;
  parseJson?: 'if-json-content-type' | 'always';
}

/**
 * Reads the body as it arrives: decompressed as a stream (a small compressed body can inflate to gigabytes, so the
 * limit counts what comes out), decoded chunk by chunk, and — when asked and the body is JSON — parsed chunk by chunk,
 * so a large body is never held whole as bytes, then text, then value.
 */
async function readBody(response: IncomingMessage, reading: BodyReading): Promise<{ body: string; json?: unknown }> {
  const { maxBytes } = reading;
  const tooLarge = () => {
    response.destroy();
    return new StepError(
      `the response body is larger than ${formatBytes(maxBytes)}, the most a step may read (the worker's PIPEWRIGHT_HTTP_MAX_RESPONSE_BYTES)`,
      { retryable: false },
    );
  };
  const encoding = String(response.headers['content-encoding'] ?? '').toLowerCase();
  const inflate = decompressor(encoding);
  const raw = limitBytes(response, maxBytes, tooLarge);
  const body = inflate ? limitBytes(inflated(raw, inflate), maxBytes, tooLarge) : raw;
  const contentType = String(response.headers['content-type'] ?? '');
  const redirect = REDIRECTS.has(response.statusCode ?? 0) && response.headers.location !== undefined;
  const wantsJson =
    !redirect &&
    (reading.parseJson === 'always' || (reading.parseJson === 'if-json-content-type' && /json/i.test(contentType)));
  if (!wantsJson) return { body: await readUtf8(body) };
  try {
    const read = await readJsonOrText(body);
    return 'json' in read ? { body: '', json: read.json } : { body: read.text };
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    response.destroy();
    // The engine's message quotes the text; the position is enough, and keeps the body's data out of the error.
    const position = /position (\d+)/.exec(error.message)?.[1];
    throw new StepError(`the response body is not valid JSON${position ? ` (at character ${position})` : ''}`, {
      retryable: false,
    });
  }
}

function decompressor(encoding: string): Transform | undefined {
  if (encoding === 'gzip' || encoding === 'x-gzip') return createGunzip();
  if (encoding === 'deflate') return createInflate();
  if (encoding === 'br') return createBrotliDecompress();
  return undefined;
}

/** The bytes through `inflate`; a failing source (too large, reset) fails the decompression too. */
function inflated(raw: AsyncIterable<Buffer>, inflate: Transform): AsyncIterable<Buffer> {
  const source = Readable.from(raw);
  source.on('error', (error) => inflate.destroy(error));
  inflate.on('close', () => source.destroy());
  return source.pipe(inflate);
}

/** The body's chunks, failing with `tooLarge()` as soon as they add up to more than `maxBytes`. */
async function* limitBytes(body: AsyncIterable<unknown>, maxBytes: number, tooLarge: () => Error) {
  let bytes = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    bytes += buffer.length;
    if (bytes > maxBytes) throw tooLarge();
    yield buffer;
  }
}

const formatBytes = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MB` : `${bytes} bytes`;

function flatHeaders(response: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    defineOwn(headers, key, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

function withoutHeaders(headers: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([key]) => !names.includes(key.toLowerCase())));
}

function describe(error: Error): string {
  return 'code' in error && typeof error.code === 'string' ? `${error.code} (${error.message})` : error.message;
}
