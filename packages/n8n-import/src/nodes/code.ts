import type { NodeTranslator } from '../node-translation.ts';

/** n8n Code-node names the shim below does not provide: their use is reported. */
const UNSUPPORTED_IN_CODE: [RegExp, string][] = [
  [/\$\(\s*['"]/, "$('Node') (other nodes' data): pass it in the step's input instead"],
  [/\$node\b/, "$node (other nodes' data): pass it in the step's input instead"],
  [/\$items\s*\(/, '$items()'],
  [/\$workflow\b/, '$workflow'],
  [/\$execution\b/, '$execution'],
  [/\$env\b/, '$env'],
  [/\$vars\b/, '$vars'],
  [/\$now\b|\$today\b|DateTime\./, 'luxon dates ($now, $today, DateTime)'],
  [/\$jmespath\b/, '$jmespath'],
  [/\$getWorkflowStaticData\b/, '$getWorkflowStaticData'],
  [/\bthis\.helpers\b/, 'this.helpers (HTTP and binary helpers)'],
  [/\brequire\s*\(/, 'require() (the sandbox has no modules)'],
  [/\$binary\b|\.binary\b/, 'binary data'],
];

/**
 * Makes n8n's Code-node names available to the snippet: `$input`, `items`, `$json` (per-item mode) over the one
 * value Pipewright passes, and turns n8n's returned items (`[{ json }]` or plain objects) back into one value: the
 * first item's JSON when there is one item, else the list of their JSON.
 */
function wrap(code: string, perItem: boolean): string {
  return [
    '// Imported from n8n: $input, items and $json stand for the one value this step receives.',
    'const __item = { json: input };',
    'const $input = { all: () => [__item], first: () => __item, last: () => __item, item: __item };',
    'const items = [__item];',
    ...(perItem ? ['const $json = input;'] : []),
    'const __n8nResult = await (async () => {',
    code,
    '})();',
    'const __items = (Array.isArray(__n8nResult) ? __n8nResult : [__n8nResult]).map((item) =>',
    "  item !== null && typeof item === 'object' && 'json' in item ? item.json : item,",
    ');',
    'return __items.length === 1 ? __items[0] : __items;',
  ].join('\n');
}

/** n8n Code (JavaScript) → Code (JavaScript) in the QuickJS sandbox.  n8n's item is the step's `result`. */
export const codeTranslator: NodeTranslator = {
  isTrigger: false,
  shape: () => ({ kind: 'map', map: (path) => ['result', ...path] }),
  translate(context) {
    const { parameters } = context.node;
    const language = typeof parameters.language === 'string' ? parameters.language : 'javaScript';
    const source = typeof parameters.jsCode === 'string' ? parameters.jsCode : '';
    if (language !== 'javaScript') {
      context.report(`${language} code is not imported: rewrite it in JavaScript`, 'language');
    }
    for (const [pattern, what] of UNSUPPORTED_IN_CODE) {
      if (pattern.test(source))
        context.report(`the code uses ${what}, which the Pipewright sandbox does not provide`, 'jsCode');
    }
    const perItem = parameters.mode === 'runOnceForEachItem';
    const code = language === 'javaScript' ? wrap(source, perItem) : 'return input;';
    return {
      type: 'code.javascript',
      config: { code, input: context.value('jsCode', '={{ $json }}'), timeoutMs: 1000, memoryLimitMb: 32 },
      ports: ['out'],
    };
  },
};
