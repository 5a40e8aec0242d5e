import { type JsNode, parseJsExpression, UntranslatableError } from './js-expression.ts';

/** One step of a path into an item's JSON: a key or a list index. */
export type PathSegment = string | number;

/**
 * Where an n8n node's item JSON lives in Pipewright, as the expression resolver sees it: `ref(path)` gives the
 * JSONata for `<item json>.<path>`, or throws `UntranslatableError` when that data has no Pipewright equivalent.
 */
export type ItemView = (path: PathSegment[]) => string;

/** What an expression may refer to: the current item (`$json`, `$input`) and other nodes by n8n name. */
export interface ExpressionScope {
  current(): ItemView;
  node(name: string): ItemView;
}

/** n8n globals with no Pipewright counterpart, and why (shown in the import report). */
const UNSUPPORTED_GLOBALS: Record<string, string> = {
  $now: 'luxon dates ($now) are not translated',
  $today: 'luxon dates ($today) are not translated',
  DateTime: 'luxon dates (DateTime) are not translated',
  $workflow: '$workflow has no Pipewright counterpart',
  $execution: '$execution has no Pipewright counterpart (the run is `run`)',
  $env: 'environment variables ($env) are not readable from flows',
  $vars: 'n8n variables ($vars) have no Pipewright counterpart',
  $secrets: 'n8n external secrets ($secrets) are not imported',
  $items: '$items() (every item of a node) is not translated: Pipewright passes one value per step',
  $jmespath: 'JMESPath ($jmespath) is not translated',
  $binary: 'binary data ($binary) is not imported',
  $prevNode: '$prevNode has no Pipewright counterpart',
  $runIndex: '$runIndex has no Pipewright counterpart',
  $itemIndex: '$itemIndex has no Pipewright counterpart',
  $position: '$position has no Pipewright counterpart',
  $parameter: '$parameter has no Pipewright counterpart',
};

const SIMPLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The JSONata path step for one key or index: `.name`, `.`name with space``, `[0]`. */
export function pathStep(segment: PathSegment): string {
  if (typeof segment === 'number') return `[${segment}]`;
  return SIMPLE_NAME.test(segment) ? `.${segment}` : `.\`${segment.replaceAll('`', '')}\``;
}

/** A base such as `input` or `steps.http` plus a path: `input.body.name`. */
export function joinPath(base: string, path: PathSegment[]): string {
  return base + path.map(pathStep).join('');
}

/**
 * Translates one n8n `{{ … }}` body (JavaScript) into JSONata over Pipewright's run context.
 *
 * @example translateJs('$json.qty * 10', scope) // → 'input.body.qty * 10' after a webhook
 */
export function translateJs(source: string, scope: ExpressionScope): string {
  let tree: JsNode;
  try {
    tree = parseJsExpression(source);
  } catch (error) {
    // Name the n8n global first: it is the reason a builder can act on, not the syntax around it.
    const global = (source.match(/[A-Za-z_$][\w$]*/g) ?? []).find(
      (name) => own(UNSUPPORTED_GLOBALS, name) !== undefined,
    );
    const why = global === undefined ? undefined : own(UNSUPPORTED_GLOBALS, global);
    throw why === undefined ? error : new UntranslatableError(why);
  }
  refuseUnsupportedGlobals(tree);
  return emit(tree, scope);
}

/** Names the n8n global an expression uses that has no counterpart (before any other complaint about it). */
function refuseUnsupportedGlobals(node: JsNode): void {
  switch (node.t) {
    case 'id': {
      const why = own(UNSUPPORTED_GLOBALS, node.name);
      if (why !== undefined) throw new UntranslatableError(why);
      return;
    }
    case 'member':
      refuseUnsupportedGlobals(node.object);
      if (node.computed) refuseUnsupportedGlobals(node.property);
      return;
    case 'call':
      refuseUnsupportedGlobals(node.callee);
      node.args.forEach(refuseUnsupportedGlobals);
      return;
    case 'array':
      node.items.forEach(refuseUnsupportedGlobals);
      return;
    case 'binary':
      refuseUnsupportedGlobals(node.left);
      refuseUnsupportedGlobals(node.right);
      return;
    case 'unary':
      refuseUnsupportedGlobals(node.operand);
      return;
    case 'conditional':
      refuseUnsupportedGlobals(node.test);
      refuseUnsupportedGlobals(node.then);
      refuseUnsupportedGlobals(node.otherwise);
      return;
    case 'lit':
      return;
  }
}

function emit(node: JsNode, scope: ExpressionScope): string {
  const reference = dataReference(node, scope);
  if (reference !== undefined) return reference;
  switch (node.t) {
    case 'lit':
      return JSON.stringify(node.value);
    case 'id':
      throw new UntranslatableError(own(UNSUPPORTED_GLOBALS, node.name) ?? `"${node.name}" is not translated`);
    case 'array':
      return `[${node.items.map((item) => emit(item, scope)).join(', ')}]`;
    case 'unary':
      if (node.op === '!') return `$not(${emit(node.operand, scope)})`;
      return node.op === '-' ? `-(${emit(node.operand, scope)})` : `$number(${emit(node.operand, scope)})`;
    case 'conditional':
      return `(${emit(node.test, scope)} ? ${emit(node.then, scope)} : ${emit(node.otherwise, scope)})`;
    case 'binary':
      return emitBinary(node, scope);
    case 'call':
      return emitCall(node, scope);
    case 'member':
      return emitMember(node, scope);
  }
}

function emitBinary(node: Extract<JsNode, { t: 'binary' }>, scope: ExpressionScope): string {
  const left = emit(node.left, scope);
  const right = emit(node.right, scope);
  switch (node.op) {
    case '+':
      // JavaScript's + concatenates when either side is text; JSONata spells that &.
      return isText(node.left) || isText(node.right) ? `${left} & ${right}` : `${left} + ${right}`;
    case '===':
    case '==':
      return `${left} = ${right}`;
    case '!==':
    case '!=':
      return `${left} != ${right}`;
    case '&&':
      return `(${left} and ${right})`;
    case '||':
      // `a || 'fallback'` is a default value in JavaScript, not a boolean.
      return `(${left} ? ${left} : ${right})`;
    case '??':
      return `($exists(${left}) and ${left} != null ? ${left} : ${right})`;
    default:
      return `${left} ${node.op} ${right}`;
  }
}

const TEXT_METHODS = new Set(['toUpperCase', 'toLowerCase', 'trim', 'toString', 'join', 'replace']);

function isText(node: JsNode): boolean {
  if (node.t === 'lit') return typeof node.value === 'string';
  if (node.t === 'binary') return node.op === '+' && (isText(node.left) || isText(node.right));
  if (node.t === 'call') {
    const { callee } = node;
    if (callee.t === 'id') return callee.name === 'String';
    if (callee.t === 'member') {
      if (callee.object.t === 'id' && callee.object.name === 'JSON') return true;
      return callee.property.t === 'lit' && TEXT_METHODS.has(String(callee.property.value));
    }
  }
  return false;
}

const GLOBAL_FUNCTIONS: Record<string, (args: string[]) => string> = {
  String: ([value]) => `$string(${value})`,
  Number: ([value]) => `$number(${value})`,
  Boolean: ([value]) => `$boolean(${value})`,
  parseFloat: ([value]) => `$number(${value})`,
  parseInt: ([value]) => `$floor($number(${value}))`,
};

const NAMESPACE_FUNCTIONS: Record<string, Record<string, (args: string[]) => string>> = {
  Math: {
    round: ([value]) => `$round(${value})`,
    floor: ([value]) => `$floor(${value})`,
    ceil: ([value]) => `$ceil(${value})`,
    abs: ([value]) => `$abs(${value})`,
    max: (values) => `$max([${values.join(', ')}])`,
    min: (values) => `$min([${values.join(', ')}])`,
  },
  JSON: { stringify: ([value]) => `$string(${value})` },
};

type Method = (target: string, args: string[]) => string;

const METHODS = new Map<string, Method>([
  ['toUpperCase', (target) => `$uppercase(${target})`],
  ['toLowerCase', (target) => `$lowercase(${target})`],
  ['trim', (target) => `$trim(${target})`],
  ['toString', (target) => `$string(${target})`],
  ['includes', (target, [value]) => `$contains(${target}, ${value})`],
  ['split', (target, [separator]) => `$split(${target}, ${separator})`],
  ['join', (target, [separator]) => `$join(${target}, ${separator ?? '","'})`],
  // JavaScript replaces the first match of a text pattern; JSONata's limit argument says the same.
  ['replace', (target, [pattern, replacement]) => `$replace(${target}, ${pattern}, ${replacement}, 1)`],
]);

/** `record[key]` for the record's own keys only (never `constructor` and friends from the prototype). */
export const own = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

function emitCall(node: Extract<JsNode, { t: 'call' }>, scope: ExpressionScope): string {
  const { callee } = node;
  const args = (): string[] => node.args.map((arg) => emit(arg, scope));
  if (callee.t === 'id') {
    const global = own(GLOBAL_FUNCTIONS, callee.name);
    if (global) return global(args());
    throw new UntranslatableError(
      own(UNSUPPORTED_GLOBALS, callee.name) ?? `the function ${callee.name}() is not translated`,
    );
  }
  if (callee.t === 'member' && !callee.computed && callee.property.t === 'lit') {
    const name = String(callee.property.value);
    const namespace = callee.object.t === 'id' ? own(NAMESPACE_FUNCTIONS, callee.object.name) : undefined;
    if (namespace && callee.object.t === 'id') {
      const fn = own(namespace, name);
      if (!fn) throw new UntranslatableError(`${callee.object.name}.${name}() is not translated`);
      return fn(args());
    }
    const method = METHODS.get(name);
    if (method) return method(emit(callee.object, scope), args());
    throw new UntranslatableError(`the method .${name}() is not translated`);
  }
  throw new UntranslatableError('this call is not translated');
}

function emitMember(node: Extract<JsNode, { t: 'member' }>, scope: ExpressionScope): string {
  if (!node.computed && node.property.t === 'lit' && node.property.value === 'length') {
    throw new UntranslatableError('.length is not translated (text and lists differ in JSONata: $length / $count)');
  }
  const object = emit(node.object, scope);
  if (
    node.property.t === 'lit' &&
    (typeof node.property.value === 'string' || typeof node.property.value === 'number')
  ) {
    return object + pathStep(node.property.value);
  }
  throw new UntranslatableError('a computed property ([…] with an expression) is not translated');
}

/**
 * `$json.a.b`, `$input.item.json.a`, `$('Node').item.json.a`, `$node["Node"].json.a` → the Pipewright path; undefined
 * when `node` is not a data reference.
 */
function dataReference(node: JsNode, scope: ExpressionScope): string | undefined {
  const path: PathSegment[] = [];
  let cursor = node;
  while (cursor.t === 'member') {
    const { property } = cursor;
    if (property.t !== 'lit' || (typeof property.value !== 'string' && typeof property.value !== 'number')) return;
    if (property.value === 'length' && !cursor.computed) return;
    path.unshift(property.value);
    cursor = cursor.object;
  }
  const root = itemRoot(cursor, path);
  if (!root) return undefined;
  if (root.needsJson) {
    if (path[0] !== 'json') {
      throw new UntranslatableError(`only .json of an item is translated, not .${String(path[0] ?? '')}`);
    }
    path.shift();
  }
  const view = root.name === undefined ? scope.current() : scope.node(root.name);
  return view(path);
}

/**
 * The item a reference starts from.  `path` is what follows `node`; it is consumed here for the forms that name
 * a node by property (`$node.Name`, `$node["Name"]`) or pick the item (`$input.item`).
 */
function itemRoot(node: JsNode, path: PathSegment[]): { name: string | undefined; needsJson: boolean } | undefined {
  if (node.t === 'id' && node.name === '$json') return { name: undefined, needsJson: false };
  if (node.t === 'id' && node.name === '$node') {
    const name = path.shift();
    if (typeof name !== 'string') throw new UntranslatableError('$node needs a node name');
    return { name, needsJson: true };
  }
  if (node.t === 'id' && node.name === '$input') {
    if (path[0] !== 'item')
      throw new UntranslatableError('only $input.item, $input.first() and $input.last() are translated');
    path.shift();
    return { name: undefined, needsJson: true };
  }
  // $input.first() / $input.last() / $('Name').item / $('Name').first()
  if (node.t === 'call' && node.callee.t === 'member' && node.callee.property.t === 'lit') {
    const method = String(node.callee.property.value);
    const owner = node.callee.object;
    if (owner.t === 'id' && owner.name === '$input' && (method === 'first' || method === 'last')) {
      return { name: undefined, needsJson: true };
    }
    const named = nodeCallName(owner);
    if (named !== undefined && (method === 'first' || method === 'last')) return { name: named, needsJson: true };
    if (named !== undefined || (owner.t === 'id' && owner.name === '$input')) {
      throw new UntranslatableError(`.${method}() of a node is not translated: Pipewright passes one value per step`);
    }
  }
  const named = nodeCallName(node);
  if (named !== undefined) {
    if (path[0] !== 'item')
      throw new UntranslatableError(`only $('${named}').item / .first() / .last() are translated`);
    path.shift();
    return { name: named, needsJson: true };
  }
  return undefined;
}

/** `$('Name')` → `Name`. */
function nodeCallName(node: JsNode): string | undefined {
  if (node.t !== 'call' || node.callee.t !== 'id' || node.callee.name !== '$') return undefined;
  const [arg] = node.args;
  if (node.args.length !== 1 || arg?.t !== 'lit' || typeof arg.value !== 'string') {
    throw new UntranslatableError('$() needs one node name in quotes');
  }
  return arg.value;
}
