import { builtinStepDefinitions } from '@pipewright/builtin-steps';
import { compileFlow } from '@pipewright/compiler';
import type { FlowDocument } from '@pipewright/flow';
import { toManifest } from '@pipewright/step-sdk';
import legacyV1Nodes from '../fixtures/legacy-v1-nodes.json' with { type: 'json' };
import manualScheduleIntervals from '../fixtures/manual-schedule-intervals.json' with { type: 'json' };
import orderRouting from '../fixtures/order-routing.json' with { type: 'json' };
import webhookSetHttp from '../fixtures/webhook-set-http.json' with { type: 'json' };

/** Test helpers: the fixtures (n8n 1.x exports) and the checks a publish runs on the imported document. */
const FIXTURES = new Map<string, unknown>([
  ['webhook-set-http.json', webhookSetHttp],
  ['order-routing.json', orderRouting],
  ['legacy-v1-nodes.json', legacyV1Nodes],
  ['manual-schedule-intervals.json', manualScheduleIntervals],
]);

/** A fresh copy of one fixture, as `JSON.parse` of the export would give it. */
export function loadFixture(name: string): Record<string, unknown> {
  const parsed: unknown = structuredClone(FIXTURES.get(name));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`no fixture ${name}`);
  return { ...parsed };
}

const manifests = new Map(builtinStepDefinitions.map(toManifest).map((manifest) => [manifest.type, manifest]));
const definitions = new Map(builtinStepDefinitions.map((step) => [step.type, step]));

/** The compiler's errors for the document (as publishing sees them), `[]` when it compiles. */
export function compileErrors(document: FlowDocument): string[] {
  const result = compileFlow(
    document,
    { get: (type) => manifests.get(type) },
    {
      flowId: 'flow_1',
      version: 1,
      defaultTaskQueue: 'pipewright-core',
    },
  );
  return result.ok ? [] : result.errors.map((error) => `${error.nodeId ?? ''} ${error.field ?? ''}: ${error.message}`);
}

/** Each node's config against its step's zod input schema; values holding `{{` are left to the run (as the server does). */
export function configErrors(document: FlowDocument): string[] {
  return document.nodes.flatMap((node) => {
    const step = definitions.get(node.type);
    if (!step) return [`${node.id}: unknown step type ${node.type}`];
    const parsed = step.input.safeParse(node.config);
    if (parsed.success) return [];
    return parsed.error.issues
      .filter((issue) => !JSON.stringify(valueAt(node.config, issue.path)).includes('{{'))
      .map((issue) => `${node.id} config.${issue.path.join('.')}: ${issue.message}`);
  });
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let cursor = value;
  for (const key of path) {
    if (cursor === null || typeof cursor !== 'object') return undefined;
    cursor = Object.entries(cursor).find(([name]) => name === String(key))?.[1];
  }
  return cursor;
}
