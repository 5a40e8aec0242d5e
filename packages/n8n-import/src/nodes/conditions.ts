import type { NodeContext } from '../node-context.ts';
import { isRecord, listOf, recordOf } from '../node-translation.ts';
import { own } from '../to-jsonata.ts';

/** One condition as JSONata, or `undefined` when it is not translated (reported). */
type Build = (left: string, right: string) => string;

const COMPARE: Record<string, Build> = {
  equals: (l, r) => `${l} = ${r}`,
  notEquals: (l, r) => `${l} != ${r}`,
  gt: (l, r) => `${l} > ${r}`,
  gte: (l, r) => `${l} >= ${r}`,
  lt: (l, r) => `${l} < ${r}`,
  lte: (l, r) => `${l} <= ${r}`,
  contains: (l, r) => `$contains($string(${l}), $string(${r}))`,
  notContains: (l, r) => `$not($contains($string(${l}), $string(${r})))`,
  startsWith: (l, r) => `$substring($string(${l}), 0, $length($string(${r}))) = $string(${r})`,
  notStartsWith: (l, r) => `$substring($string(${l}), 0, $length($string(${r}))) != $string(${r})`,
  endsWith: (l, r) => `$substring($string(${l}), -$length($string(${r}))) = $string(${r})`,
  notEndsWith: (l, r) => `$substring($string(${l}), -$length($string(${r}))) != $string(${r})`,
  exists: (l) => `$exists(${l})`,
  notExists: (l) => `$not($exists(${l}))`,
  empty: (l) => `$not(${l})`,
  notEmpty: (l) => `$boolean(${l})`,
  true: (l) => `${l} = true`,
  false: (l) => `${l} = false`,
  after: (l, r) => `$toMillis(${l}) > $toMillis(${r})`,
  before: (l, r) => `$toMillis(${l}) < $toMillis(${r})`,
  afterOrEquals: (l, r) => `$toMillis(${l}) >= $toMillis(${r})`,
  beforeOrEquals: (l, r) => `$toMillis(${l}) <= $toMillis(${r})`,
  lengthEquals: (l, r) => `$count(${l}) = ${r}`,
  lengthNotEquals: (l, r) => `$count(${l}) != ${r}`,
  lengthGt: (l, r) => `$count(${l}) > ${r}`,
  lengthLt: (l, r) => `$count(${l}) < ${r}`,
  lengthGte: (l, r) => `$count(${l}) >= ${r}`,
  lengthLte: (l, r) => `$count(${l}) <= ${r}`,
};

/** IF v1 / Switch v1–2 operation names → the v2 names above. */
const V1_OPERATIONS: Record<string, string> = {
  equal: 'equals',
  notEqual: 'notEquals',
  larger: 'gt',
  largerEqual: 'gte',
  smaller: 'lt',
  smallerEqual: 'lte',
  contains: 'contains',
  notContains: 'notContains',
  startsWith: 'startsWith',
  notStartsWith: 'notStartsWith',
  endsWith: 'endsWith',
  notEndsWith: 'notEndsWith',
  isEmpty: 'empty',
  isNotEmpty: 'notEmpty',
  after: 'after',
  before: 'before',
};

function combine(parts: string[], combinator: string): string {
  if (parts.length === 1) return parts[0] ?? 'false';
  return parts.map((part) => `(${part})`).join(combinator === 'or' || combinator === 'any' ? ' or ' : ' and ');
}

function lower(expression: string, caseSensitive: boolean): string {
  return caseSensitive ? expression : `$lowercase($string(${expression}))`;
}

/** One comparison; `undefined` (reported) when an operand or the operation is not translated. */
function comparison(
  context: NodeContext,
  at: string,
  input: { left: unknown; right: unknown; operation: string; type: string; caseSensitive: boolean },
): string | undefined {
  const build = own(COMPARE, input.operation);
  if (!build) {
    context.report(`condition operation "${input.type}: ${input.operation}" is not translated (left out)`, at);
    return undefined;
  }
  const left = context.jsonata(`${at}.left`, input.left);
  const right = context.jsonata(`${at}.right`, input.right);
  if (left === undefined || right === undefined) return undefined;
  const textual = input.type === 'string' && !input.caseSensitive;
  return build(lower(left, !textual), lower(right, !textual));
}

/**
 * A v2 filter (`{ options, conditions: [{ leftValue, rightValue, operator: { type, operation } }], combinator }`,
 * used by IF v2 and Switch v3) as one `{{ … }}` condition.
 */
export function filterCondition(context: NodeContext, field: string, raw: unknown): string {
  const filter = recordOf(raw);
  const caseSensitive = recordOf(filter.options).caseSensitive !== false;
  const parts = listOf(filter.conditions)
    .filter(isRecord)
    .flatMap((condition, index) => {
      const operator = recordOf(condition.operator);
      const built = comparison(context, `${field}.conditions.${index}`, {
        left: condition.leftValue,
        right: condition.rightValue,
        operation: String(operator.operation ?? 'equals'),
        type: String(operator.type ?? 'string'),
        caseSensitive,
      });
      return built === undefined ? [] : [built];
    });
  return template(context, field, parts, String(filter.combinator ?? 'and'));
}

/** IF v1's `conditions: { string: [...], number: [...], boolean: [...], dateTime: [...] }` as one condition. */
export function v1Condition(context: NodeContext, raw: unknown, combinator: unknown): string {
  const parts = Object.entries(recordOf(raw)).flatMap(([type, list]) =>
    listOf(list)
      .filter(isRecord)
      .flatMap((condition, index) => {
        const operation = String(condition.operation ?? (type === 'string' ? 'equal' : 'equal'));
        const built = comparison(context, `conditions.${type}.${index}`, {
          left: condition.value1,
          right: condition.value2,
          operation: own(V1_OPERATIONS, operation) ?? operation,
          type,
          caseSensitive: true,
        });
        return built === undefined ? [] : [built];
      }),
  );
  return template(context, 'conditions', parts, String(combinator ?? 'all'));
}

/** A v1 Switch rule: `value1` (the node's) compared with the rule's `value2`. */
export function v1Rule(
  context: NodeContext,
  at: string,
  rule: { value1: unknown; value2: unknown; operation: string; type: string },
): string | undefined {
  return comparison(context, at, {
    left: rule.value1,
    right: rule.value2,
    operation: own(V1_OPERATIONS, rule.operation) ?? rule.operation,
    type: rule.type,
    caseSensitive: true,
  });
}

function template(context: NodeContext, field: string, parts: string[], combinator: string): string {
  if (parts.length === 0) {
    context.report('no condition could be translated: the condition is false until you set one', field);
    return '{{ false }}';
  }
  return `{{ ${combine(parts, combinator)} }}`;
}

export { combine as combineConditions };
