import type { AuditEntryView } from '@pipewright/api-contract';
import { defineOwn } from '@pipewright/step-sdk';
import type { AuditRecord, AuditRepository } from './audit.repository.ts';
import type { AuthContext } from './auth-context.ts';
import { newId } from './secrets.ts';

/** Known actions; other parts may record their own `<area>.<verb>` strings. */
export type AuditAction =
  | 'auth.sign_up'
  | 'auth.sign_in'
  | 'auth.sign_out'
  | 'member.invite'
  | 'member.join'
  | 'member.role_change'
  | 'member.remove'
  | 'workspace.create'
  | 'workspace.switch'
  | 'token.create'
  | 'token.revoke'
  | 'flow.publish'
  | 'flow.rollout.start'
  | 'flow.rollout.promote'
  | 'flow.rollout.rollback'
  | 'credential.create'
  | 'credential.use'
  | 'credential.rotate'
  | 'credential.delete'
  | (string & {});

export interface AuditEvent {
  action: AuditAction;
  target: { type: string; id: string };
  /** Never secrets: keys that look like one (password, secret, token, key…) are dropped before storing. */
  details?: Record<string, unknown>;
}

/** Who did it when there is no signed-in caller (a worker resolving a credential, a schedule). */
export interface SystemActor {
  workspaceId: string;
  via: 'system';
}

const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|private|authorization|cookie|hash/i;

/**
 * The audit log: who did what in a workspace (sign-in, publish, credential and member changes).  Append-only,
 * listed newest first to admins.  Other services call `record(getAuth(res), { action, target, details })`.
 */
export class AuditService {
  readonly #repository: AuditRepository;

  constructor(repository: AuditRepository) {
    this.#repository = repository;
  }

  async record(actor: AuthContext | SystemActor, event: AuditEvent): Promise<void> {
    const details = event.details === undefined ? undefined : scrub(event.details);
    await this.#repository.append({
      _id: newId('aud'),
      workspaceId: actor.workspaceId,
      at: new Date(),
      actor:
        actor.via === 'system'
          ? { userId: null, email: null, via: 'system' }
          : { userId: actor.userId, email: actor.email, via: actor.via },
      action: event.action,
      target: { type: event.target.type, id: event.target.id },
      ...(details === undefined ? {} : { detailsJson: JSON.stringify(details) }),
    });
  }

  async list(workspaceId: string, options: { limit: number; before?: Date }): Promise<AuditEntryView[]> {
    return (await this.#repository.list(workspaceId, options)).map(toView);
  }
}

function scrub(details: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    if (SECRET_KEY.test(key)) continue;
    defineOwn(
      kept,
      key,
      value !== null && typeof value === 'object' && !Array.isArray(value) ? scrub({ ...value }) : value,
    );
  }
  return kept;
}

function toView(record: AuditRecord): AuditEntryView {
  const details: unknown = record.detailsJson === undefined ? undefined : JSON.parse(record.detailsJson);
  return {
    id: record._id,
    at: record.at.toISOString(),
    actor: record.actor,
    action: record.action,
    target: record.target,
    ...(isRecord(details) ? { details } : {}),
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
