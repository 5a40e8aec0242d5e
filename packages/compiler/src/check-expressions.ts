import { checkTemplate, isTemplate, referencedNodeIds } from '@pipewright/expression';
import type { CompileError } from './compile-result.ts';

export interface TemplateAt {
  /** Dotted path from the node, e.g. `config.fields.0.value`. */
  field: string;
  template: string;
}

/** Every template string anywhere inside a node's config, with its path. */
export function collectTemplates(config: Record<string, unknown>): TemplateAt[] {
  const found: TemplateAt[] = [];
  const visit = (value: unknown, field: string) => {
    if (typeof value === 'string') {
      if (isTemplate(value)) found.push({ field, template: value });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => {
        visit(item, `${field}.${index}`);
      });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) visit(item, `${field}.${key}`);
    }
  };
  visit(config, 'config');
  return found;
}

export interface ExpressionCheck {
  nodeId: string;
  config: Record<string, unknown>;
  /** Every node id in the flow. */
  allNodeIds: ReadonlySet<string>;
  /** Computed on demand: most nodes reference nothing. */
  ancestors: () => ReadonlySet<string>;
  /**
   * Whether a node has certainly finished whenever this node runs (not on a branch that may be skipped); undefined
   * when unknown (nodes on a cycle).  Certainly finished implies upstream, so most checks never need `ancestors`.
   */
  hasRun: (referenced: string) => boolean | undefined;
  /** The config may read the node's own output (an undo step's config: it runs after the node). */
  selfReadable?: boolean;
}

/** Syntax of every `{{ … }}` and every `steps.<id>` reference, which must name a node that runs before this one. */
export function checkExpressions(check: ExpressionCheck): CompileError[] {
  const errors: CompileError[] = [];
  const { nodeId } = check;
  for (const { field, template } of collectTemplates(check.config)) {
    for (const syntax of checkTemplate(template)) {
      errors.push({
        code: 'expression_syntax',
        nodeId,
        field,
        message: `Node "${nodeId}": the expression in ${field} is invalid at character ${syntax.position + 1}: ${syntax.message}`,
      });
    }
    for (const referenced of referencedNodeIds(template)) {
      const problem = referenceProblem(check, referenced);
      if (problem)
        errors.push({
          code: problem.code,
          nodeId,
          field,
          message: `Node "${nodeId}" reads steps.${referenced}, ${problem.why}`,
        });
    }
  }
  return errors;
}

function referenceProblem(
  check: ExpressionCheck,
  referenced: string,
): { code: 'reference_not_upstream' | 'reference_may_not_run'; why: string } | undefined {
  const notUpstream = (why: string) => ({ code: 'reference_not_upstream' as const, why });
  if (referenced === check.nodeId && !check.selfReadable)
    return notUpstream('its own output, which does not exist while it runs');
  if (!check.allNodeIds.has(referenced)) return notUpstream(`but the flow has no node "${referenced}"`);
  const hasRun = check.hasRun(referenced);
  if (hasRun === true) return undefined;
  if (!check.ancestors().has(referenced)) {
    return notUpstream('which does not run before it (connect it upstream of this node)');
  }
  if (hasRun === false) {
    return {
      code: 'reference_may_not_run',
      why: 'which may not have run (it is on a parallel or conditional branch that is not certain to finish before this node; read it after a Merge that waits for all paths, or use input)',
    };
  }
  return undefined;
}
