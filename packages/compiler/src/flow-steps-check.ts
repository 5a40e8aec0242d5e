import type { FlowEdge, FlowNode } from '@pipewright/flow';
import type { CompileError } from './compile-result.ts';
import { LOOP_TYPE, type Scope } from './loop-scopes.ts';

export const WAIT_TYPE = 'core.wait';
export const SUBFLOW_TYPE = 'core.subflow';

/**
 * Config rules of Wait and Loop that their input schemas cannot say (they depend on `mode`, or on other nodes): each
 * Wait mode has its field; an event Wait has a timeout (a wait nobody answers must end somewhere); an event Wait is
 * not inside a loop body; a Loop's `resultNode` is one of its body nodes.
 */
export function checkFlowSteps(
  scope: Scope,
  inBody: boolean,
  bodies: Map<string, Scope>,
  errors: CompileError[],
): void {
  for (const node of scope.nodes) {
    if (node.type === WAIT_TYPE) checkWait(node, scope.edges, inBody, errors);
    if (node.type === LOOP_TYPE) checkLoop(node, bodies.get(node.id), errors);
  }
}

function checkWait(node: FlowNode, edges: FlowEdge[], inBody: boolean, errors: CompileError[]) {
  const { mode = 'delay', durationSeconds, until, timeoutSeconds } = node.config;
  const missing = (field: string, why: string) =>
    errors.push({
      code: 'invalid_config',
      nodeId: node.id,
      field: `config.${field}`,
      message: `Wait "${node.id}": ${why}`,
    });
  if (mode === 'delay' && durationSeconds === undefined) missing('durationSeconds', 'say how long to wait');
  if (mode === 'until' && (until === undefined || until === '')) missing('until', 'say until when to wait');
  if (mode !== 'event') return;
  if (timeoutSeconds === undefined) {
    const hasTimeoutPath = edges.some((edge) => edge.source === node.id && edge.sourcePort === 'timeout');
    errors.push({
      code: 'wait_needs_timeout',
      nodeId: node.id,
      field: 'config.timeoutSeconds',
      message: hasTimeoutPath
        ? `Wait "${node.id}" has a "timeout" path but no timeout: say after how many seconds to take it`
        : `Wait "${node.id}" waits for an event with no timeout: set one (and connect the "timeout" output, or the run fails when it passes)`,
    });
  }
  if (inBody) {
    errors.push({
      code: 'unsupported_in_loop',
      nodeId: node.id,
      field: 'config.mode',
      message: `Wait "${node.id}" waits for an event inside a loop body; resumes address a run, not one iteration — wait before or after the loop`,
    });
  }
}

function checkLoop(node: FlowNode, body: Scope | undefined, errors: CompileError[]) {
  const resultNode = node.config.resultNode;
  if (resultNode === undefined || !body || body.nodes.length === 0) return;
  if (body.nodes.some((inner) => inner.id === resultNode)) return;
  errors.push({
    code: 'invalid_config',
    nodeId: node.id,
    field: 'config.resultNode',
    message: `Loop "${node.id}": result node ${JSON.stringify(resultNode)} is not inside the loop (its steps: ${body.nodes.map((inner) => inner.id).join(', ')})`,
  });
}
