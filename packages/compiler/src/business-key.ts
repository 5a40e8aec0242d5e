import type { FlowDocument } from '@pipewright/flow';
import type { PlanBusinessKey } from '@pipewright/run-contract';
import type { CompileError } from './compile-result.ts';
import { triggerTemplateProblem } from './searchable-fields.ts';

/**
 * The plan's business key (flow settings → business key, docs/adr/014), checked like a searchable field: a valid
 * template that reads only the trigger, since the key is computed as the run starts, before any step ran.
 */
export function businessKeyOf(doc: FlowDocument): { key?: PlanBusinessKey; errors: CompileError[] } {
  const setting = doc.settings?.businessKey;
  if (!setting) return { errors: [] };
  const problem = triggerTemplateProblem(setting.expression);
  if (problem) {
    const error: CompileError = {
      code: 'invalid_business_key',
      field: 'settings.businessKey.expression',
      message: `Business key: ${problem}`,
    };
    return { errors: [error] };
  }
  return { key: { expression: setting.expression, whenRunning: setting.whenRunning }, errors: [] };
}
