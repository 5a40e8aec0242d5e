import type { WorkspaceView } from '@pipewright/api-contract';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/api.ts';
import { authApi, authKeys } from './auth-api.ts';
import { useWorkspaceSwitched } from './useSession.ts';
import './workspaces.css';

/**
 * The nav's workspace menu: the current workspace's name; the user's other workspaces with their role in each (a
 * click switches the session); invites waiting for them (join with the existing account); "Create workspace…".
 */
export function WorkspaceSwitcher({ current }: { current: WorkspaceView }) {
  const [open, setOpen] = useState(false);
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const root = useRef<HTMLDivElement>(null);
  const workspaces = useQuery({ queryKey: authKeys.myWorkspaces, queryFn: authApi.workspaces, enabled: open });
  const invites = useQuery({ queryKey: authKeys.pendingInvites, queryFn: authApi.pendingInvites, staleTime: 60_000 });
  const switched = useWorkspaceSwitched();
  const done = (me: Parameters<typeof switched>[0]) => {
    setOpen(false);
    setCreating(false);
    setName('');
    switched(me);
  };
  const switchTo = useMutation({ mutationFn: authApi.switchWorkspace, onSuccess: done });
  const create = useMutation({
    mutationFn: async (workspaceName: string) =>
      authApi.switchWorkspace((await authApi.createWorkspace(workspaceName)).id),
    onSuccess: done,
  });
  const accept = useMutation({
    mutationFn: async (inviteId: string) => authApi.switchWorkspace((await authApi.acceptInvite({ inviteId })).id),
    onSuccess: done,
  });

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (event.target instanceof Node && !root.current?.contains(event.target)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) create.mutate(name.trim());
  };
  const pending = invites.data ?? [];
  const error = switchTo.error ?? create.error ?? accept.error ?? workspaces.error;

  return (
    <div className="workspace-switcher" ref={root}>
      <button
        type="button"
        className="button nav-button"
        data-testid="workspace-switcher"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        {current.name} ▾
        {pending.length > 0 && (
          <span className="workspace-invite-count" data-testid="pending-invite-count">
            {pending.length}
          </span>
        )}
      </button>
      {open && (
        <section className="workspace-menu card" aria-label="Workspaces" data-testid="workspace-menu">
          <p className="workspace-menu-title">Workspaces</p>
          {workspaces.isPending && <p className="muted">Loading…</p>}
          {workspaces.data?.map((workspace) => (
            <button
              key={workspace.id}
              type="button"
              className="workspace-option"
              data-testid="workspace-option"
              aria-current={workspace.current}
              disabled={workspace.current || switchTo.isPending}
              onClick={() => switchTo.mutate(workspace.id)}
            >
              <span>
                {workspace.current ? '✓ ' : ''}
                {workspace.name}
              </span>
              <span className="muted">{workspace.role}</span>
            </button>
          ))}
          {pending.length > 0 && <p className="workspace-menu-title">Invitations</p>}
          {pending.map((invite) => (
            <div key={invite.id} className="workspace-option" data-testid="pending-invite">
              <span>
                {invite.workspace.name} <span className="muted">as {invite.role}</span>
              </span>
              <button
                type="button"
                className="button primary nav-button"
                data-testid="accept-invite"
                disabled={accept.isPending}
                onClick={() => accept.mutate(invite.id)}
              >
                Join
              </button>
            </div>
          ))}
          {creating ? (
            <form className="workspace-create" onSubmit={submit}>
              <input
                className="input"
                aria-label="Workspace name"
                placeholder="Workspace name"
                data-testid="create-workspace-name"
                // biome-ignore lint/a11y/noAutofocus: the form opens on purpose to type the name
                autoFocus
                value={name}
                onChange={(event) => setName(event.target.value)}
              />
              <button
                type="submit"
                className="button primary"
                data-testid="create-workspace-submit"
                disabled={!name.trim() || create.isPending}
              >
                {create.isPending ? 'Creating…' : 'Create'}
              </button>
            </form>
          ) : (
            <button
              type="button"
              className="workspace-option"
              data-testid="create-workspace"
              onClick={() => setCreating(true)}
            >
              Create workspace…
            </button>
          )}
          {error && <p className="field-error">{errorMessage(error)}</p>}
        </section>
      )}
    </div>
  );
}
