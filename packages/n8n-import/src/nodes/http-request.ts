import type { NodeContext } from '../node-context.ts';
import { isRecord, listOf, type NodeTranslator, recordOf } from '../node-translation.ts';
import { translateJsonBody } from './json-body.ts';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']);

/**
 * n8n HTTP Request → HTTP request.  v1–2 (`requestMethod`, `*ParametersUi.parameter`, `*ParametersJson`) and v3–4
 * (`method`, `send*` + `*Parameters.parameters`, `jsonBody`).  n8n's item is the response body (unless "full
 * response" is on); Pipewright's output is `{ status, headers, body }`.
 */
export const httpRequestTranslator: NodeTranslator = {
  isTrigger: false,
  shape: (parameters) => {
    const full = fullResponse(parameters);
    return {
      kind: 'map',
      map: (path) => (full ? (path[0] === 'statusCode' ? ['status', ...path.slice(1)] : path) : ['body', ...path]),
    };
  },
  translate(context) {
    const { parameters, typeVersion } = context.node;
    const legacy = typeVersion < 3;
    const requested = String(parameters[legacy ? 'requestMethod' : 'method'] ?? 'GET').toUpperCase();
    const method = METHODS.has(requested) ? requested : 'GET';
    if (method !== requested) context.report(`method ${requested} is not supported: GET is used`, 'method');
    const config: Record<string, unknown> = {
      method,
      url: context.value('url', parameters.url ?? ''),
      headers: legacy ? pairsV1(context, 'headerParametersUi') : pairsV3(context, 'Headers', 'headerParameters'),
      query: legacy ? pairsV1(context, 'queryParametersUi') : pairsV3(context, 'Query', 'queryParameters'),
      responseFormat: 'auto',
    };
    const body = legacy ? bodyV1(context, method) : bodyV3(context);
    if (body !== undefined) config.body = body;
    if (typeof parameters.authentication === 'string' && parameters.authentication !== 'none') {
      context.report(
        `authentication (${parameters.authentication}) is not imported: choose a credential on the node`,
        'authentication',
      );
    }
    const options = recordOf(parameters.options);
    const timeout =
      typeof options.timeout === 'number' ? Math.min(Math.max(options.timeout, 100), 86_400_000) : undefined;
    const format = legacy ? parameters.responseFormat : recordOf(recordOf(options.response).response).responseFormat;
    if (format === 'file')
      context.report('a file response is not imported: the body is read as text', 'responseFormat');
    if (format === 'string' || format === 'text') config.responseFormat = 'text';
    return {
      type: 'http.request',
      config,
      ...(timeout === undefined ? {} : { settings: { timeoutMs: timeout } }),
      ports: ['out'],
    };
  },
};

function fullResponse(parameters: Record<string, unknown>): boolean {
  const options = recordOf(parameters.options);
  return options.fullResponse === true || recordOf(recordOf(options.response).response).fullResponse === true;
}

/** Name/value pairs as a string record (header and query values are text in Pipewright). */
function pairs(context: NodeContext, field: string, list: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  listOf(list)
    .filter(isRecord)
    .forEach((pair, index) => {
      const name = typeof pair.name === 'string' ? pair.name : '';
      if (name === '') return;
      const value = context.value(`${field}.${index}.value`, pair.value ?? '');
      Object.defineProperty(result, name, {
        value: typeof value === 'string' ? value : JSON.stringify(value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    });
  return result;
}

function pairsV1(context: NodeContext, key: string): Record<string, string> {
  if (context.node.parameters.jsonParameters === true) {
    const jsonKey = key.replace('Ui', 'Json');
    const json = jsonObject(context, jsonKey, context.node.parameters[jsonKey]);
    return Object.fromEntries(
      Object.entries(recordOf(json)).map(([name, value]) => [
        name,
        typeof value === 'string' ? value : JSON.stringify(value),
      ]),
    );
  }
  return pairs(context, `${key}.parameter`, recordOf(context.node.parameters[key]).parameter);
}

function pairsV3(context: NodeContext, what: 'Headers' | 'Query', key: string): Record<string, string> {
  const { parameters } = context.node;
  if (parameters[`send${what}`] !== true) return {};
  if (parameters[`specify${what}`] === 'json') {
    const jsonKey = `json${what}`;
    const json = recordOf(jsonObject(context, jsonKey, parameters[jsonKey]));
    return Object.fromEntries(
      Object.entries(json).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]),
    );
  }
  return pairs(context, `${key}.parameters`, recordOf(parameters[key]).parameters);
}

function jsonObject(context: NodeContext, field: string, raw: unknown): unknown {
  const result = translateJsonBody(context, field, raw);
  return result;
}

function bodyV1(context: NodeContext, method: string): unknown {
  const { parameters } = context.node;
  if (method === 'GET' || method === 'HEAD') return undefined;
  if (parameters.jsonParameters === true)
    return jsonObject(context, 'bodyParametersJson', parameters.bodyParametersJson);
  const body = pairsObject(context, 'bodyParametersUi.parameter', recordOf(parameters.bodyParametersUi).parameter);
  return Object.keys(body).length > 0 ? body : undefined;
}

function bodyV3(context: NodeContext): unknown {
  const { parameters } = context.node;
  if (parameters.sendBody !== true) return undefined;
  const contentType = typeof parameters.contentType === 'string' ? parameters.contentType : 'json';
  if (contentType === 'raw') return context.value('body', parameters.body ?? '');
  if (contentType !== 'json') {
    context.report(`a ${contentType} body is not supported: it is sent as JSON`, 'contentType');
  }
  if (parameters.specifyBody === 'json') return jsonObject(context, 'jsonBody', parameters.jsonBody);
  if (parameters.specifyBody === 'string') return context.value('body', parameters.body ?? '');
  return pairsObject(context, 'bodyParameters.parameters', recordOf(parameters.bodyParameters).parameters);
}

/** Body name/value pairs as a JSON object (values keep their type; expressions become templates). */
function pairsObject(context: NodeContext, field: string, list: unknown): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  listOf(list)
    .filter(isRecord)
    .forEach((pair, index) => {
      const name = typeof pair.name === 'string' ? pair.name : '';
      if (name === '') return;
      Object.defineProperty(result, name, {
        value: context.value(`${field}.${index}.value`, pair.value ?? ''),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    });
  return result;
}
