import type { FlowDocument } from '@pipewright/flow';
import type { StepManifest } from '@pipewright/step-sdk';
import type { CatalogLookup } from './compile-options.ts';
import type { CompileError } from './compile-result.ts';

/** Manifests by node id, for nodes whose type and version the catalog has; the others are errors. */
export function resolveManifests(
  doc: FlowDocument,
  catalog: CatalogLookup,
): { manifests: Map<string, StepManifest>; errors: CompileError[] } {
  const manifests = new Map<string, StepManifest>();
  const errors: CompileError[] = [];
  for (const node of doc.nodes) {
    const manifest = catalog.get(node.type, node.typeVersion);
    if (!manifest) {
      errors.push({
        code: 'unknown_step_type',
        nodeId: node.id,
        field: 'type',
        message: `Node "${node.id}" uses step type "${node.type}", which is not installed`,
      });
    } else if (manifest.version !== node.typeVersion) {
      errors.push({
        code: 'unknown_step_version',
        nodeId: node.id,
        field: 'typeVersion',
        message: `Node "${node.id}" uses version ${node.typeVersion} of "${node.type}", but the catalog has version ${manifest.version}`,
      });
    } else {
      manifests.set(node.id, manifest);
    }
  }
  return { manifests, errors };
}
