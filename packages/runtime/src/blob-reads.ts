import { controlStepFor } from '@pipewright/control-steps';
import { isTemplate } from '@pipewright/expression';
import type { PlanNode } from '@pipewright/run-contract';
import { containsBlobRef, isBlobRef } from './blob-ref.ts';

/**
 * Whether this node's expressions read *into* a blob reference (`steps.fetch.body.items` where `body` is one), or a
 * merge combines referenced inputs.  Such a node is evaluated in an activity; one that only reads small fields
 * beside a reference (`steps.fetch.status`) or passes a reference on whole stays in the workflow.
 */
export function readsBlobRefs(node: PlanNode, context: Record<string, unknown>): boolean {
  // A Merge combines its inputs themselves (not through expressions), so referenced inputs must be loaded first.
  if (controlStepFor(node.type)?.kind === 'merge' && containsBlobRef(context.input)) return true;
  for (const template of templatesIn(node.config)) {
    for (const match of template.matchAll(READ_PATH)) {
      const [, root, rest] = match;
      if (!root) continue;
      // `steps . fetch` is as valid as `steps.fetch`: trim each segment before dropping the empty first one.
      const segments = (rest ?? '')
        .split('.')
        .map((segment) => segment.trim())
        .filter(Boolean);
      // Only `{{ steps.fetch.body }}` alone forwards a reference whole; inside any larger expression it is read.
      const forwardsWhole = template.trim().replace(/\s+/g, '') === `{{${match[0].replace(/\s+/g, '')}}}`;
      if (readsIntoBlob(context[root], segments, forwardsWhole)) return true;
    }
  }
  return false;
}

/** `steps.fetch.body`, `input.items`, `trigger.body.x`: a root variable and a dotted path (enough to decide). */
const READ_PATH = /(?<![\w$.])(steps|input|trigger)((?:\s*\.\s*[A-Za-z_$][\w$]*)*)/g;

/** Follows `path` through plain objects; a reference met on the way, or left at the end, is read into. */
function readsIntoBlob(value: unknown, path: string[], forwardsWhole: boolean): boolean {
  let current = value;
  for (const segment of path) {
    if (isBlobRef(current)) return true;
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return containsBlobRef(current);
    current = (current as Record<string, unknown>)[segment];
  }
  // The expression reads the whole value at the end of the path: a reference nested anywhere in it is read too,
  // unless the value *is* a reference being passed on whole (e.g. a body forwarded to the next HTTP call).
  return isBlobRef(current) ? !forwardsWhole : containsBlobRef(current);
}

function templatesIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (isTemplate(value)) out.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) templatesIn(item, out);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) templatesIn(item, out);
  }
  return out;
}
