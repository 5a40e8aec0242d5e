import type { CompileError } from '@pipewright/compiler';
import type { FlowDocument } from '@pipewright/flow';
import type { AnyStepDefinition } from '@pipewright/step-sdk';

/** Where nodes name their credentials (worker/src/credentials/step-credentials.ts): not part of the step's input. */
const CREDENTIALS_CONFIG_KEY = 'credentials';

/**
 * Checks every node's config against its step's own zod input schema — what the worker will parse it with — so a
 * published version never holds a config its step refuses.  The compiler checks the JSON Schema of the manifest,
 * which loses refinements (`z.url({ protocol })`, `.regex()` on a header name…) and is loose on purpose for drafts;
 * this is the strict check, for built-in steps (a package step's zod schema lives in its package worker).
 *
 * A string holding `{{` is an expression (the rule of `@pipewright/expression` `isTemplate`): its value is known
 * only at run time, so problems at, inside or above a value that holds one are left to the run — except in
 * triggers, whose config nothing evaluates.
 */
export function checkNodeConfigs(
  document: FlowDocument,
  steps: ReadonlyMap<string, AnyStepDefinition>,
): CompileError[] {
  const errors: CompileError[] = [];
  for (const node of document.nodes) {
    const step = steps.get(node.type);
    if (step === undefined || step.version !== node.typeVersion) continue;
    const { [CREDENTIALS_CONFIG_KEY]: _credentials, ...input } = node.config;
    const config = step.credentials === undefined ? node.config : input;
    const parsed = step.input.safeParse(config);
    if (parsed.success) continue;
    // Trigger configs are read as they are (the webhook ingress, the trigger runner): nothing evaluates them.
    const evaluated = step.kind !== 'trigger';
    for (const issue of parsed.error.issues) {
      if (evaluated && holdsExpression(config, issue.path)) continue;
      errors.push({
        code: 'invalid_config',
        nodeId: node.id,
        field: ['config', ...issue.path.map(String)].join('.'),
        message: `${labelOf(step, issue.path)}: ${issue.message}`,
      });
    }
  }
  return errors;
}

/** Whether a value on the way to `path`, or anything under it, is an expression. */
function holdsExpression(config: unknown, path: readonly PropertyKey[]): boolean {
  let value: unknown = config;
  for (const key of path) {
    if (isExpression(value)) return true;
    if (value === null || typeof value !== 'object' || typeof key === 'symbol') return false;
    value = Object.entries(value).find(([name]) => name === String(key))?.[1];
  }
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (isExpression(next)) return true;
    if (next !== null && typeof next === 'object') for (const child of Object.values(next)) pending.push(child);
  }
  return false;
}

const isExpression = (value: unknown): boolean => typeof value === 'string' && value.includes('{{');

/** `URL`, `Signature header`, `Headers › x-token`: the inspector's label for the top-level field. */
function labelOf(step: AnyStepDefinition, path: readonly PropertyKey[]): string {
  const [first, ...rest] = path.map(String);
  if (first === undefined) return 'The configuration';
  const hints: Record<string, { label?: string } | undefined> = step.ui ?? {};
  return [hints[first]?.label ?? first, ...rest].join(' › ');
}
