import type { NodeContext } from '../node-context.ts';
import { isRecord } from '../node-translation.ts';

const EXPRESSION = /\{\{[\s\S]*?\}\}/g;
const INLINE = /__PW_N8N_(\d+)__/g;
const RAW = /^__PW_N8N_RAW_(\d+)__$/;

/**
 * An n8n JSON parameter (`={ "name": "{{ $json.name }}", "qty": {{ $json.qty }} }`) as a JSON value whose strings
 * are Pipewright templates: an expression standing where a value goes keeps its type (`"{{ input.qty }}"`), one
 * inside a string is interpolated.  Text that is not JSON is kept as a template string (sent as is) and reported.
 */
export function translateJsonBody(context: NodeContext, field: string, raw: unknown): unknown {
  if (typeof raw !== 'string') return mapStrings(raw, (text) => context.value(field, text));
  const body = raw.startsWith('=') ? raw.slice(1) : raw;
  const expressions: string[] = [];
  const marked = body.replace(EXPRESSION, (match) => {
    expressions.push(String(context.value(field, `=${match}`)));
    return `__PW_N8N_${expressions.length - 1}__`;
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(quoteBareMarkers(marked));
  } catch {
    if (body.trim() === '') return undefined;
    context.report('the JSON is not valid JSON: it is sent as text', field);
    return marked.replace(INLINE, (_match, index: string) => expressions[Number(index)] ?? '');
  }
  return mapStrings(parsed, (text) => {
    const raw = RAW.exec(text);
    if (raw) return expressions[Number(raw[1])] ?? '';
    return text.replace(INLINE, (_match, index: string) => expressions[Number(index)] ?? '');
  });
}

/** Markers outside JSON strings (an expression where a value goes) become strings of their own. */
function quoteBareMarkers(text: string): string {
  let result = '';
  let inString = false;
  for (let at = 0; at < text.length; at += 1) {
    const char = text.charAt(at);
    if (inString) {
      result += char;
      if (char === '\\') {
        result += text.charAt(at + 1);
        at += 1;
      } else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    const marker = /^__PW_N8N_(\d+)__/.exec(text.slice(at));
    if (!inString && marker) {
      result += `"__PW_N8N_RAW_${marker[1]}__"`;
      at += marker[0].length - 1;
      continue;
    }
    result += char;
  }
  return result;
}

function mapStrings(value: unknown, map: (text: string) => unknown): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (isRecord(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(result, key, {
        value: mapStrings(item, map),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return result;
  }
  return value;
}
