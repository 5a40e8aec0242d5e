import { z } from 'zod';
import type {
  AnyStepDefinition,
  FieldUiHint,
  StepKind,
  StepOutputPort,
  StepOutputs,
  StepRetryDefaults,
} from './define-step.ts';

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
  /** Output ports, as declared by the step (absent: the single port `out`; `toManifest` always fills it in). */
  outputs?: StepOutputs;
  /** Credential slots: slot name → credential type id.  Absent when the step uses no credentials. */
  credentials?: Record<string, string>;
  /** Where the node executes: transforms in workflow code, everything else in an activity. */
  runsIn: 'workflow' | 'activity';
  /** A polling trigger: the platform calls its `poll` every `config.intervalSeconds`. */
  polling?: boolean;
  /** A message trigger: the worker's trigger runner keeps a subscription open for each published flow. */
  listening?: boolean;
  /** Whether the step has a `migrate`, i.e. whether nodes of an older version can be upgraded to this one. */
  migratable?: boolean;
  /**
   * Task queue of the worker that runs this step's activity: set by the server for steps of a published package
   * (`pkg.<workspaceId>.<package>`); absent for built-in steps, which run on the core queue.
   */
  taskQueue?: string;
  /** The step package this step comes from (set by the server's catalog; absent for built-in steps). */
  package?: StepPackageRef;
}

/** Which published package (and version) a step comes from, and whether a worker is polling its task queue now. */
export interface StepPackageRef {
  name: string;
  version: string;
  live: boolean;
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
    outputs: step.outputs ?? DEFAULT_OUTPUTS,
    ...(step.migrate ? { migratable: true } : {}),
    ...(step.poll ? { polling: true } : {}),
    ...(step.listen ? { listening: true } : {}),
    ...(step.credentials
      ? {
          credentials: Object.fromEntries(
            Object.entries(step.credentials).map(([slot, credential]) => [slot, credential.type]),
          ),
        }
      : {}),
  };
}

const DEFAULT_OUTPUTS: StepOutputPort[] = [{ id: 'out', label: '' }];

/**
 * The output ports of one node of this step type, given its config (Switch derives one port per case).  The
 * `error` port a node gets from `settings.onError: 'errorOutput'` is not included: it belongs to the engine.
 *
 * @example
 * outputPortsOf(switchManifest, { cases: [{ id: 'big', label: 'Big' }] }); // [{ id: 'big', … }, { id: 'default', … }]
 */
export function outputPortsOf(
  manifest: { outputs?: StepOutputs | undefined },
  config: Record<string, unknown>,
): StepOutputPort[] {
  const outputs = manifest.outputs ?? DEFAULT_OUTPUTS;
  if (Array.isArray(outputs)) return outputs;
  if ('byConfigValue' in outputs) {
    const value = config[outputs.byConfigValue];
    return (typeof value === 'string' ? outputs.cases[value] : undefined) ?? outputs.otherwise;
  }
  const items = config[outputs.fromConfig];
  const ports: StepOutputPort[] = [];
  if (Array.isArray(items)) {
    for (const item of items) {
      if (typeof item !== 'object' || item === null) continue;
      const id: unknown = Reflect.get(item, outputs.idKey);
      const label: unknown = Reflect.get(item, outputs.labelKey);
      if (typeof id !== 'string' || id === '') continue;
      ports.push({ id, label: typeof label === 'string' && label !== '' ? label : id });
    }
  }
  return [...ports, ...(outputs.extra ?? [])];
}
