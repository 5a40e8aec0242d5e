import type { ApprovalWait, ConfigProblem, ControlResult, DecidedApproval } from './control-step.ts';

/**
 * The `approval` mode of the Wait step (docs/adr/018): the run waits until a member it names approves or rejects,
 * or the timeout passes.  Its output is the decision; it fires `approved` or `rejected` (or `timeout`).
 */

export const APPROVED_PORT = 'approved';
export const REJECTED_PORT = 'rejected';

/** Roles an approver entry may name; a role admits members with it or a higher one (admin > developer > builder). */
export const APPROVER_ROLES = ['admin', 'developer', 'builder', 'viewer'] as const;

export const MAX_APPROVERS = 50;
export const MAX_APPROVAL_TITLE = 200;
export const MAX_APPROVAL_MESSAGE = 4000;

const truncate = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * Approver entries from a config value: a comma-separated text (`admin, ada@example.com`) or a list of texts.  E-mails
 * are compared without case, so they are kept in lower case.
 */
export function approversOf(value: unknown): string[] {
  const raw =
    typeof value === 'string'
      ? value.split(/[,;\n]/)
      : Array.isArray(value) && value.every((entry) => typeof entry === 'string')
        ? value
        : undefined;
  if (raw === undefined) {
    throw new Error(
      `approvers: must be a text such as "admin, ada@example.com" or a list of texts, got ${JSON.stringify(value ?? null)}`,
    );
  }
  const approvers = [
    ...new Set(raw.map((entry) => entry.trim()).map((entry) => (entry.includes('@') ? entry.toLowerCase() : entry))),
  ].filter((entry) => entry !== '');
  if (approvers.length === 0) throw new Error('approvers: name at least one role, member e-mail or user id');
  if (approvers.length > MAX_APPROVERS) throw new Error(`approvers: at most ${MAX_APPROVERS}, got ${approvers.length}`);
  const tooLong = approvers.find((entry) => entry.length > 254);
  if (tooLong !== undefined) throw new Error(`approvers: "${tooLong.slice(0, 40)}…" is longer than 254 characters`);
  return approvers;
}

/** An approval wait's settings from the evaluated config; throws with a user-facing message. */
export function approvalWaitOf(config: Record<string, unknown>, timeoutMs: number | undefined): ApprovalWait {
  const text = (field: string, max: number): string | undefined => {
    const value = config[field];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new Error(`${field}: must be a text, got ${JSON.stringify(value)}`);
    return truncate(value, max);
  };
  return {
    approvers: approversOf(config.approvers),
    title: text('title', MAX_APPROVAL_TITLE),
    message: text('message', MAX_APPROVAL_MESSAGE),
    timeoutMs,
  };
}

/** The node's output and port for a decision. */
export function decidedApproval(decision: DecidedApproval): ControlResult {
  const approved = decision.decision === 'approved';
  const output: Record<string, unknown> = { approved, decision: decision.decision };
  if (decision.comment !== undefined && decision.comment !== '') output.comment = decision.comment;
  output.decidedBy = { id: decision.decidedBy.id, email: decision.decidedBy.email };
  output.decidedAt = decision.decidedAt;
  return { output, ports: [approved ? APPROVED_PORT : REJECTED_PORT] };
}

/** Compile-time rules of an approval wait, beyond an event wait's (timeout, not in a loop body). */
export function checkApprovalConfig(config: Record<string, unknown>, nodeId: string): ConfigProblem[] {
  const { approvers } = config;
  const problem = (why: string): ConfigProblem[] => [
    { code: 'invalid_config', field: 'config.approvers', message: `Wait "${nodeId}": ${why}` },
  ];
  if (approvers === undefined || approvers === '' || (Array.isArray(approvers) && approvers.length === 0)) {
    return problem('say who may approve (a role such as admin, member e-mails or user ids)');
  }
  // An expression is checked when the run reaches the node.
  if (typeof approvers === 'string' && approvers.includes('{{')) return [];
  try {
    approversOf(approvers);
    return [];
  } catch (error) {
    return problem(error instanceof Error ? error.message : String(error));
  }
}
