import { roles, type WorkspaceRole } from '@pipewright/api-contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/api.ts';
import { formatDate } from '../ui/format.ts';
import { authApi, authKeys } from './auth-api.ts';

const ROLE_HINTS: Record<WorkspaceRole, string> = {
  admin: 'everything: members, credentials, audit',
  developer: 'flows, runs and step packages',
  builder: 'flows and runs',
  viewer: 'read only',
};

const isRole = (value: string): value is WorkspaceRole => (roles as readonly string[]).includes(value);

/** Admins: invite with a role (the link is shown once), change roles, remove members. */
export function MembersPage({ currentUserId }: { currentUserId: string }) {
  const queryClient = useQueryClient();
  const members = useQuery({ queryKey: authKeys.members, queryFn: authApi.members });
  const refresh = () => queryClient.invalidateQueries({ queryKey: authKeys.members });
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<WorkspaceRole>('builder');
  const invite = useMutation({
    mutationFn: authApi.invite,
    onSuccess: () => {
      setEmail('');
      void refresh();
    },
  });
  const changeRole = useMutation({
    mutationFn: (input: { userId: string; role: WorkspaceRole }) => authApi.changeRole(input.userId, input.role),
    onSettled: refresh,
  });
  const remove = useMutation({ mutationFn: authApi.removeMember, onSettled: refresh });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    invite.mutate({ email, role });
  };
  const actionError = changeRole.error ?? remove.error;

  return (
    <div className="page" data-testid="members-page">
      <header className="page-header">
        <h1>Members</h1>
      </header>
      <form className="card invite-form" onSubmit={submit}>
        <label htmlFor="invite-email">Invite by e-mail</label>
        <input
          id="invite-email"
          className="input"
          type="email"
          data-testid="invite-email"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <select
          className="input"
          aria-label="Role"
          data-testid="invite-role"
          value={role}
          onChange={(event) => isRole(event.target.value) && setRole(event.target.value)}
        >
          {roles.map((option) => (
            <option key={option} value={option}>
              {option} — {ROLE_HINTS[option]}
            </option>
          ))}
        </select>
        <button
          type="submit"
          className="button primary"
          data-testid="invite-submit"
          disabled={!email || invite.isPending}
        >
          Invite
        </button>
        {invite.error && <p className="field-error">{errorMessage(invite.error)}</p>}
      </form>
      {invite.data && (
        <div className="card one-time-secret">
          <p>
            Send this link to {invite.data.invite.email} (shown once, valid until{' '}
            {formatDate(invite.data.invite.expiresAt)}):
          </p>
          <code data-testid="invite-link">{`${window.location.origin}${invite.data.link}`}</code>
        </div>
      )}
      {actionError && <p className="field-error">{errorMessage(actionError)}</p>}
      {members.error && <p className="field-error">{errorMessage(members.error)}</p>}
      {members.data && (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>E-mail</th>
              <th>Role</th>
              <th>Joined</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {members.data.members.map((member) => (
              <tr key={member.userId} data-testid={`member-row-${member.email}`}>
                <td>{member.name}</td>
                <td>{member.email}</td>
                <td>
                  <select
                    className="input"
                    aria-label={`Role of ${member.email}`}
                    data-testid="member-role"
                    value={member.role}
                    onChange={(event) =>
                      isRole(event.target.value) &&
                      changeRole.mutate({ userId: member.userId, role: event.target.value })
                    }
                  >
                    {roles.map((option) => (
                      <option key={option} value={option}>
                        {option}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{formatDate(member.joinedAt)}</td>
                <td>
                  {member.userId !== currentUserId && (
                    <button
                      type="button"
                      className="button danger"
                      data-testid="member-remove"
                      onClick={() => {
                        if (window.confirm(`Remove ${member.email} from the workspace?`)) remove.mutate(member.userId);
                      }}
                    >
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
            {members.data.invites.map((open) => (
              <tr key={open.id} className="muted" data-testid={`invite-row-${open.email}`}>
                <td>(invited)</td>
                <td>{open.email}</td>
                <td>{open.role}</td>
                <td>until {formatDate(open.expiresAt)}</td>
                <td />
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
