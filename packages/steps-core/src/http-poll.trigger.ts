import { defineStep, StepError } from '@pipewright/step-sdk';
import { z } from 'zod';

const cursorSchema = z.object({ etag: z.string().optional() }).catch({});

/**
 * Polls a URL that answers a JSON array and starts one run per array element it has not seen before (identified by
 * `idField`).  The cursor is the response's ETag, sent back as If-None-Match so an unchanged list costs a 304; the
 * platform remembers the ids it has started runs for, so the API does not need to filter by time.
 */
export const httpPollTrigger = defineStep({
  type: 'http.poll',
  version: 1,
  kind: 'trigger',
  title: 'Poll HTTP',
  description: 'Every N seconds, GET a URL returning a JSON array; starts one run per new element.',
  keywords: ['poll', 'http', 'rss', 'new items', 'interval', 'trigger'],
  input: z.object({
    url: z.url().describe('GET this URL; it must answer a JSON array (or an object with the array at itemsPath)'),
    idField: z.string().min(1).default('id').describe('Field of each element that identifies it'),
    itemsPath: z.string().default('').describe('Dotted path to the array in the response; empty: the body itself'),
    headers: z.record(z.string(), z.string()).default({}),
    intervalSeconds: z.number().int().min(1).default(60).describe('Seconds between polls'),
  }),
  output: z.unknown().describe('The new array element'),
  ui: {
    url: { label: 'URL', order: 1 },
    idField: { label: 'Id field', order: 2 },
    itemsPath: { label: 'Items path', order: 3 },
    headers: { label: 'Headers', widget: 'keyValue', order: 4 },
    intervalSeconds: { label: 'Every (seconds)', widget: 'number', order: 5 },
  },
  async poll(config, cursor, ctx) {
    const previous = cursorSchema.parse(cursor ?? {});
    const headers: Record<string, string> = { accept: 'application/json', ...config.headers };
    if (previous.etag) headers['if-none-match'] = previous.etag;
    const response = await ctx.http.request({ method: 'GET', url: config.url, headers, timeoutMs: 30_000 });
    if (response.status === 304) return { items: [], cursor: previous };
    if (response.status < 200 || response.status > 299) {
      throw new StepError(`GET ${config.url} answered ${response.status}`, {
        retryable: response.status >= 500 || response.status === 429,
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      throw new StepError(`GET ${config.url} did not answer JSON`, { retryable: false });
    }
    const list = config.itemsPath === '' ? body : pathValue(body, config.itemsPath);
    if (!Array.isArray(list)) {
      throw new StepError(
        `GET ${config.url}: expected a JSON array${config.itemsPath ? ` at ${config.itemsPath}` : ''}`,
        {
          retryable: false,
        },
      );
    }
    const items = list.flatMap((element: unknown) => {
      const id = pathValue(element, config.idField);
      return typeof id === 'string' || typeof id === 'number' ? [{ id: String(id), data: element }] : [];
    });
    const etag = Object.entries(response.headers).find(([name]) => name.toLowerCase() === 'etag')?.[1];
    return { items, cursor: etag ? { etag } : {} };
  },
});

function pathValue(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = Reflect.get(current, key);
  }
  return current;
}
