import { controlStepFor } from '@pipewright/control-steps';
import type { FlowNode, UndoSettings } from '@pipewright/flow';
import type { StepManifest } from '@pipewright/step-sdk';
import { checkExpressions, type ExpressionCheck } from './check-expressions.ts';
import type { CatalogLookup } from './compile-options.ts';
import type { CompileError } from './compile-result.ts';
import { checkReservedKeys } from './reserved-keys-check.ts';
import { validateConfig } from './validate-config.ts';

/** Where a node's undo step lives in the document: compile errors name fields below it. */
const UNDO_FIELD = 'settings.undo';

/** The undo step's manifest when it is one an undo may use: a known I/O step at the pinned version. */
export function undoManifestOf(undo: UndoSettings, catalog: CatalogLookup): StepManifest | undefined {
  const manifest = catalog.get(undo.type, undo.typeVersion);
  return manifest?.version === undo.typeVersion ? manifest : undefined;
}

/**
 * A node's undo step (compensation, docs/adr/015), checked like any step: the node must be an I/O action; the undo a known I/O step type at its version, with a config valid against that step's schema; and
 * its expressions well-formed, reading only what the node itself may read, the node's own output (`steps.<id>`)
 * and `original`.  Errors name fields below `settings.undo`, e.g. `settings.undo.config.url`.
 */
export function checkUndo(input: {
  node: FlowNode;
  /** The node's own manifest (absent when its type is unknown: already an error of its own). */
  manifest: StepManifest | undefined;
  catalog: CatalogLookup;
  expressions: Omit<ExpressionCheck, 'nodeId' | 'config'>;
}): CompileError[] {
  const { node, manifest, catalog } = input;
  const undo = node.settings?.undo;
  if (!undo) return [];
  const error = (code: CompileError['code'], field: string, message: string): CompileError => ({
    code,
    nodeId: node.id,
    field,
    message: `Node "${node.id}": ${message}`,
  });
  if (manifest && (manifest.kind !== 'action' || manifest.runsIn !== 'activity')) {
    return [error('invalid_undo', UNDO_FIELD, `only a step that acts on the world can be undone, not "${node.type}"`)];
  }
  const known = catalog.get(undo.type, undo.typeVersion);
  if (!known) {
    return [error('unknown_step_type', `${UNDO_FIELD}.type`, `the undo step type "${undo.type}" is not installed`)];
  }
  const undoManifest = undoManifestOf(undo, catalog);
  if (!undoManifest) {
    return [
      error(
        'unknown_step_version',
        `${UNDO_FIELD}.typeVersion`,
        `the undo step uses version ${undo.typeVersion} of "${undo.type}", but the catalog has version ${known.version}`,
      ),
    ];
  }
  if (undoManifest.kind !== 'action' || undoManifest.runsIn !== 'activity' || controlStepFor(undo.type)) {
    return [
      error('invalid_undo', `${UNDO_FIELD}.type`, `"${undo.type}" cannot be an undo step (it must be an I/O action)`),
    ];
  }
  const labels: Record<string, string> = {};
  for (const [name, hint] of Object.entries(undoManifest.ui)) if (hint.label) labels[name] = hint.label;
  const errors = validateConfig(undo.config, undoManifest.inputSchema, labels).map((issue) =>
    error('invalid_config', `${UNDO_FIELD}.${issue.field}`, `undo step: ${issue.message}`),
  );
  for (const reserved of checkReservedKeys({ ...node, config: undo.config })) {
    if (reserved.field?.startsWith('config')) errors.push({ ...reserved, field: `${UNDO_FIELD}.${reserved.field}` });
  }
  const { hasRun } = input.expressions;
  for (const found of checkExpressions({
    ...input.expressions,
    nodeId: node.id,
    config: undo.config,
    // The undo runs after its node succeeded: the node's own output is there to read.
    hasRun: (referenced) => referenced === node.id || hasRun(referenced),
    selfReadable: true,
  })) {
    errors.push({ ...found, field: `${UNDO_FIELD}.${found.field ?? 'config'}` });
  }
  return errors;
}

/** Undo steps inside Loop bodies: refused (an iteration is not compensated on its own; undo the Loop's effects). */
export function undoInLoopBodies(nodes: FlowNode[]): CompileError[] {
  return nodes
    .filter((node) => node.parentId !== undefined && node.settings?.undo !== undefined)
    .map((node) => ({
      code: 'invalid_undo',
      nodeId: node.id,
      field: UNDO_FIELD,
      message: `Node "${node.id}": an undo step cannot be set inside a Loop body`,
    }));
}
