import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/api.ts';
import { authApi } from './auth-api.ts';
import { useSignedIn } from './useSession.ts';

/** First run: "Create your workspace" (the first user becomes its admin); with `?invite=…`: join a workspace. */
export function SignupPage() {
  const inviteToken = new URLSearchParams(window.location.search).get('invite') ?? undefined;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [workspaceName, setWorkspaceName] = useState('');
  const signedIn = useSignedIn();
  const signup = useMutation({ mutationFn: authApi.signUp, onSuccess: signedIn });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signup.mutate(
      inviteToken === undefined ? { email, password, name, workspaceName } : { email, password, name, inviteToken },
    );
  };
  const complete = email && password.length >= 10 && name && (inviteToken !== undefined || workspaceName);

  return (
    <div className="auth-page">
      <form className="card auth-card" onSubmit={submit} data-testid="signup-page">
        <h1>{inviteToken === undefined ? 'Create your workspace' : 'Join your team'}</h1>
        <p className="muted">
          {inviteToken === undefined
            ? 'You are the first user: you will be the workspace admin.'
            : 'Use the e-mail address the invite was sent to.'}
        </p>
        {inviteToken === undefined && (
          <>
            <label htmlFor="signup-workspace">Workspace name</label>
            <input
              id="signup-workspace"
              className="input"
              data-testid="signup-workspace"
              value={workspaceName}
              onChange={(event) => setWorkspaceName(event.target.value)}
            />
          </>
        )}
        <label htmlFor="signup-name">Your name</label>
        <input
          id="signup-name"
          className="input"
          autoComplete="name"
          data-testid="signup-name"
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
        <label htmlFor="signup-email">E-mail</label>
        <input
          id="signup-email"
          className="input"
          type="email"
          autoComplete="username"
          data-testid="signup-email"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <label htmlFor="signup-password">Password (at least 10 characters)</label>
        <input
          id="signup-password"
          className="input"
          type="password"
          autoComplete="new-password"
          data-testid="signup-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <button
          type="submit"
          className="button primary"
          data-testid="signup-submit"
          disabled={!complete || signup.isPending}
        >
          {signup.isPending ? 'Creating…' : inviteToken === undefined ? 'Create workspace' : 'Join'}
        </button>
        {signup.error && <p className="field-error">{errorMessage(signup.error)}</p>}
      </form>
    </div>
  );
}
