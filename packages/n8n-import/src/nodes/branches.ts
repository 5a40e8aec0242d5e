import { CORE_IF_TYPE, CORE_SWITCH_TYPE } from '@pipewright/control-steps';
import type { NodeContext } from '../node-context.ts';
import { isRecord, listOf, type NodeTranslation, type NodeTranslator, recordOf } from '../node-translation.ts';
import { combineConditions, filterCondition, v1Condition, v1Rule } from './conditions.ts';

/** n8n IF → If: output 0 is `true`, output 1 is `false`.  v1 (`conditions.string[]`…) and v2 (`conditions.conditions`). */
export const ifTranslator: NodeTranslator = {
  isTrigger: false,
  shape: () => ({ kind: 'passThrough' }),
  translate(context) {
    const { parameters } = context.node;
    const condition =
      context.node.typeVersion >= 2
        ? filterCondition(context, 'conditions', parameters.conditions)
        : v1Condition(context, parameters.conditions, parameters.combineOperation);
    return { type: CORE_IF_TYPE, config: { condition }, ports: ['true', 'false'] };
  },
};

interface Case {
  id: string;
  label: string;
  condition: string;
}

/**
 * n8n Switch → Switch: one case per n8n output (`output_0`, …, or the renamed output's key), n8n's fallback output
 * → `default`.  v1–2 (`value1` + `rules.rules[].value2/output`), v3 (`rules.values[].conditions`) and expression mode.
 */
export const switchTranslator: NodeTranslator = {
  isTrigger: false,
  shape: () => ({ kind: 'passThrough' }),
  translate(context) {
    const { parameters } = context.node;
    if (parameters.mode === 'expression') return expressionMode(context);
    return context.node.typeVersion >= 3 ? rulesV3(context) : rulesV1(context);
  },
};

function caseId(index: number, key: unknown, used: Set<string>): string {
  const base = typeof key === 'string' && key.trim() !== '' ? key.trim().replace(/[^A-Za-z0-9_]+/g, '_') : '';
  let id = /^[A-Za-z_]/.test(base) ? base.slice(0, 60) : `output_${index}`;
  while (used.has(id) || id === 'default') id = `${id}_${index}`;
  used.add(id);
  return id;
}

function rulesV3(context: NodeContext): NodeTranslation {
  const { parameters } = context.node;
  const options = recordOf(parameters.options);
  const used = new Set<string>();
  const cases: Case[] = listOf(recordOf(parameters.rules).values)
    .filter(isRecord)
    .map((rule, index) => {
      const key = rule.renameOutput === true ? rule.outputKey : undefined;
      return {
        id: caseId(index, key, used),
        label: typeof key === 'string' ? key : '',
        condition: filterCondition(context, `rules.values.${index}.conditions`, rule.conditions),
      };
    });
  const ports = cases.map((entry) => entry.id);
  const fallback = options.fallbackOutput;
  if (fallback === 'extra') ports.push('default');
  else if (typeof fallback === 'number' && fallback >= 0) {
    context.report(
      `unmatched items went to output ${fallback}; in Pipewright they take "default": connect it`,
      'options.fallbackOutput',
    );
  }
  const mode = options.allMatchingOutputs === true ? 'all' : 'first';
  return { type: CORE_SWITCH_TYPE, config: { cases, mode }, ports };
}

function rulesV1(context: NodeContext): NodeTranslation {
  const { parameters } = context.node;
  const type = typeof parameters.dataType === 'string' ? parameters.dataType : 'number';
  // Several rules may send to the same output: one case per output, its rules joined with "or".
  const byOutput = new Map<number, string[]>();
  listOf(recordOf(parameters.rules).rules)
    .filter(isRecord)
    .forEach((rule, index) => {
      const output = typeof rule.output === 'number' ? rule.output : 0;
      const built = v1Rule(context, `rules.rules.${index}`, {
        value1: parameters.value1,
        value2: rule.value2,
        operation: String(rule.operation ?? 'equal'),
        type,
      });
      if (built !== undefined) byOutput.set(output, [...(byOutput.get(output) ?? []), built]);
    });
  const outputs = Math.max(3, ...byOutput.keys()) + 1;
  const used = new Set<string>();
  const cases: Case[] = [];
  const ports: string[] = [];
  for (let output = 0; output < outputs; output += 1) {
    const conditions = byOutput.get(output);
    if (!conditions) continue;
    const id = caseId(output, undefined, used);
    cases.push({ id, label: '', condition: `{{ ${combineConditions(conditions, 'or')} }}` });
    ports[output] = id;
  }
  const fallback = parameters.fallbackOutput;
  if (typeof fallback === 'number' && fallback >= 0) {
    if (ports[fallback] === undefined) ports[fallback] = 'default';
    else
      context.report(
        `unmatched items also went to output ${fallback}; in Pipewright they take "default"`,
        'fallbackOutput',
      );
  }
  return { type: CORE_SWITCH_TYPE, config: { cases, mode: 'first' }, ports };
}

/** Expression mode: the expression gives the output index; one case per output compares it. */
function expressionMode(context: NodeContext): NodeTranslation {
  const { parameters } = context.node;
  const count = typeof parameters.numberOutputs === 'number' ? parameters.numberOutputs : 4;
  const index = context.jsonata('output', parameters.output);
  const used = new Set<string>();
  const cases: Case[] = [];
  for (let output = 0; output < count; output += 1) {
    cases.push({
      id: caseId(output, undefined, used),
      label: '',
      condition: index === undefined ? '{{ false }}' : `{{ ${index} = ${output} }}`,
    });
  }
  return { type: CORE_SWITCH_TYPE, config: { cases, mode: 'first' }, ports: cases.map((entry) => entry.id) };
}
