import { createHash } from 'node:crypto';
import { type CompileError, canonicalJson } from '@pipewright/compiler';
import { controlStepFor } from '@pipewright/control-steps';
import type { ExecutionPlan, PlanNode } from '@pipewright/run-contract';

/** The latest published version of a flow of the workspace, or why there is none. */
export type SubflowLookup = (
  flowId: string,
) => Promise<{ name: string; version: number; plan: ExecutionPlan } | { error: string }>;

/**
 * Embeds, into every Sub-flow node (loop bodies included), the called flow's latest published plan — the way the
 * error handler is embedded — so runs never look flows up and later publishes of the child never change runs in
 * flight.  Refuses, on `config.flowId`: an expression instead of a flow id, the flow itself, an unknown or
 * unpublished flow, and a cycle through published children (A → B → A).  Re-hashes the plan when it changed.
 */
export async function embedSubflows(input: {
  plan: ExecutionPlan;
  flowId: string;
  lookup: SubflowLookup;
}): Promise<{ ok: true; plan: ExecutionPlan } | { ok: false; errors: CompileError[] }> {
  const errors: CompileError[] = [];
  let changed = false;
  const embedInto = async (nodes: PlanNode[]): Promise<PlanNode[]> => {
    const out: PlanNode[] = [];
    for (const node of nodes) {
      let next = node;
      if (node.body) next = { ...next, body: { ...node.body, nodes: await embedInto(node.body.nodes) } };
      if (controlStepFor(node.type)?.kind === 'subflow') {
        const embedded = await resolve(node);
        if (embedded) {
          next = { ...next, subflow: embedded };
          changed = true;
        }
      }
      out.push(next);
    }
    return out;
  };
  const resolve = async (node: PlanNode): Promise<PlanNode['subflow']> => {
    const refuse = (why: string) => {
      errors.push({
        code: 'invalid_subflow',
        nodeId: node.id,
        field: 'config.flowId',
        message: `Sub-flow "${node.id}": ${why}`,
      });
      return undefined;
    };
    const target = node.config.flowId;
    if (typeof target !== 'string' || target.includes('{{')) return refuse('choose a flow (not an expression)');
    if (target === input.flowId) return refuse('a flow cannot call itself; choose another flow');
    const found = await input.lookup(target);
    if ('error' in found) return refuse(found.error);
    const path = callPathBack(found.plan, input.flowId);
    if (path) {
      const chain = [input.flowId, target, ...path].map((id) => `"${id}"`).join(' → ');
      return refuse(`flow "${found.name}" calls this flow back (${chain}), which would never end`);
    }
    return { flowId: target, version: found.version, plan: found.plan };
  };

  const nodes = await embedInto(input.plan.nodes);
  if (errors.length > 0) return { ok: false, errors };
  if (!changed) return { ok: true, plan: input.plan };
  const unhashed: ExecutionPlan = { ...input.plan, nodes, hash: '' };
  return { ok: true, plan: { ...unhashed, hash: createHash('sha256').update(canonicalJson(unhashed)).digest('hex') } };
}

/** The chain of flow ids (after `plan`'s own) through embedded sub-flows that reaches `flowId`, if any. */
function callPathBack(plan: ExecutionPlan, flowId: string): string[] | undefined {
  const visit = (nodes: PlanNode[]): string[] | undefined => {
    for (const node of nodes) {
      const inner = node.body ? visit(node.body.nodes) : undefined;
      if (inner) return inner;
      const child = node.subflow;
      if (!child) continue;
      if (child.flowId === flowId) return [flowId];
      const deeper = visit(child.plan.nodes);
      if (deeper) return [child.flowId, ...deeper];
    }
    return undefined;
  };
  return visit(plan.nodes);
}
