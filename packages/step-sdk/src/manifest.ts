import { z } from 'zod';
import type { AnyStepDefinition, FieldUiHint, StepKind, StepRetryDefaults } from './define-step.ts';

/** JSON description of a step type: what the server's catalog serves and the editor builds forms from. */
export interface StepManifest {
  type: string;
  version: number;
  title: string;
  description: string;
  kind: StepKind;
  category: string;
  keywords: string[];
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  ui: Record<string, FieldUiHint>;
  retry: StepRetryDefaults;
  timeoutMs: number | null;
  /** Where the node executes: transforms in workflow code, everything else in an activity. */
  runsIn: 'workflow' | 'activity';
}

export function toManifest(step: AnyStepDefinition): StepManifest {
  return {
    type: step.type,
    version: step.version,
    title: step.title,
    description: step.description,
    kind: step.kind,
    category:
      step.category ?? (step.kind === 'trigger' ? 'Triggers' : step.kind === 'transform' ? 'Transform' : 'Actions'),
    keywords: step.keywords ?? [],
    inputSchema: z.toJSONSchema(step.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    outputSchema: z.toJSONSchema(step.output, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>,
    ui: { ...(step.ui ?? {}) } as Record<string, FieldUiHint>,
    retry: step.retry ?? {},
    timeoutMs: step.timeoutMs ?? null,
    runsIn: step.kind === 'action' ? 'activity' : 'workflow',
  };
}
