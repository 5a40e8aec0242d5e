import { roles, type WorkspaceRole } from '@pipewright/api-contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/api.ts';
import { formatDate } from '../ui/format.ts';
import { authApi, authKeys } from './auth-api.ts';

const RANK: Record<WorkspaceRole, number> = { viewer: 0, builder: 1, developer: 2, admin: 3 };
const isRole = (value: string): value is WorkspaceRole => (roles as readonly string[]).includes(value);

/** API tokens for scripts (`Authorization: Bearer pw_…`): the token is shown once; the list shows its prefix. */
export function TokensPage({ myRole }: { myRole: WorkspaceRole }) {
  const queryClient = useQueryClient();
  const tokens = useQuery({ queryKey: authKeys.tokens, queryFn: authApi.tokens });
  const refresh = () => queryClient.invalidateQueries({ queryKey: authKeys.tokens });
  const [name, setName] = useState('');
  const [role, setRole] = useState<WorkspaceRole>(myRole);
  const create = useMutation({
    mutationFn: authApi.createToken,
    onSuccess: () => {
      setName('');
      void refresh();
    },
  });
  const revoke = useMutation({ mutationFn: authApi.revokeToken, onSettled: refresh });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name, role });
  };

  return (
    <div className="page" data-testid="tokens-page">
      <header className="page-header">
        <h1>API tokens</h1>
      </header>
      <form className="card invite-form" onSubmit={submit}>
        <label htmlFor="token-name">New token</label>
        <input
          id="token-name"
          className="input"
          placeholder="e.g. CI deploy script"
          data-testid="token-name"
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
        <select
          className="input"
          aria-label="Role"
          data-testid="token-role"
          value={role}
          onChange={(event) => isRole(event.target.value) && setRole(event.target.value)}
        >
          {roles
            .filter((option) => RANK[option] <= RANK[myRole])
            .map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
        </select>
        <button
          type="submit"
          className="button primary"
          data-testid="token-submit"
          disabled={!name || create.isPending}
        >
          Create token
        </button>
        {create.error && <p className="field-error">{errorMessage(create.error)}</p>}
      </form>
      {create.data && (
        <div className="card one-time-secret">
          <p>Copy this token now; it will not be shown again:</p>
          <code data-testid="token-value">{create.data.token}</code>
        </div>
      )}
      {revoke.error && <p className="field-error">{errorMessage(revoke.error)}</p>}
      {tokens.error && <p className="field-error">{errorMessage(tokens.error)}</p>}
      {tokens.data && (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Token</th>
              <th>Role</th>
              <th>Created</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((token) => (
              <tr key={token.id} data-testid={`token-row-${token.name}`}>
                <td>{token.name}</td>
                <td>
                  <code>{token.prefix}…</code>
                </td>
                <td>{token.role}</td>
                <td>{formatDate(token.createdAt)}</td>
                <td>{formatDate(token.lastUsedAt)}</td>
                <td>
                  <button type="button" className="button danger" onClick={() => revoke.mutate(token.id)}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
