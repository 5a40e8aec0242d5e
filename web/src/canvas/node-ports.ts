import { DEFAULT_PORT, ERROR_PORT, type FlowNode } from '@pipewright/flow';
import { outputPortsOf, type StepManifest, type StepOutputPort } from '@pipewright/step-sdk';

/**
 * The source handles a canvas node shows: its step's output ports (If: true/false, Switch: one per case + default),
 * plus `error` when the node routes failures to an output.  Unknown step types keep the single `out` handle.
 */
export function outputHandles(
  manifest: Pick<StepManifest, 'outputs'> | undefined,
  node: Pick<FlowNode, 'config' | 'settings'> | undefined,
): StepOutputPort[] {
  const ports = manifest && node ? outputPortsOf(manifest, node.config) : [{ id: DEFAULT_PORT, label: '' }];
  return node?.settings?.onError === 'errorOutput' ? [...ports, { id: ERROR_PORT, label: 'Error' }] : ports;
}

/** The label an edge shows: none for the plain `out` port, else the port id (`true`, `error`, a case id). */
export const edgeLabel = (sourcePort: string | null | undefined): string | undefined =>
  sourcePort && sourcePort !== DEFAULT_PORT ? sourcePort : undefined;
