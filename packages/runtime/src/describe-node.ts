import type { PlanNode } from '@pipewright/run-contract';

/** How messages name a node: its title and id, or its id alone. */
export const describeNode = (node: PlanNode): string =>
  node.title && node.title !== node.id ? `node "${node.title}" (${node.id})` : `node "${node.id}"`;

export function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') {
    return error.message;
  }
  return String(error);
}
