import { checkTemplate, isTemplate, referencedNodeIds } from '@pipewright/expression';
import type { FlowDocument } from '@pipewright/flow';
import type { SearchableField } from '@pipewright/run-contract';
import type { CompileError } from './compile-result.ts';

/**
 * The plan's searchable fields (flow settings → searchable), checked: each expression is a valid template that reads
 * only the trigger (the values are computed as the run starts, before any step ran).
 */
export function searchableFieldsOf(doc: FlowDocument): { fields: SearchableField[]; errors: CompileError[] } {
  const fields: SearchableField[] = [];
  const errors: CompileError[] = [];
  (doc.settings?.searchable ?? []).forEach((field, index) => {
    const at = `settings.searchable.${index}.expression`;
    const problem = triggerTemplateProblem(field.expression);
    if (problem) {
      errors.push({
        code: 'invalid_searchable_field',
        field: at,
        message: `Searchable field "${field.name}": ${problem}`,
      });
      return;
    }
    fields.push({ name: field.name, expression: field.expression });
  });
  return { fields, errors };
}

/** Why `expression` is not a template over the trigger alone, or undefined (also the business key's check). */
export function triggerTemplateProblem(expression: string): string | undefined {
  if (!isTemplate(expression)) return 'the expression must be a template such as {{ trigger.body.orderId }}';
  const syntax = checkTemplate(expression)[0];
  if (syntax) return `the expression is invalid at character ${syntax.position + 1}: ${syntax.message}`;
  const steps = referencedNodeIds(expression);
  if (steps.length > 0) return `the expression may read only the trigger (it reads steps.${steps[0]})`;
  return undefined;
}
