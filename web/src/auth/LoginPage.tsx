import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api/api.ts';
import { authApi } from './auth-api.ts';
import { useSignedIn } from './useSession.ts';

export function LoginPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signedIn = useSignedIn();
  const login = useMutation({ mutationFn: authApi.logIn, onSuccess: signedIn });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ email, password });
  };

  return (
    <div className="auth-page">
      <form className="card auth-card" onSubmit={submit} data-testid="login-page">
        <h1>Sign in</h1>
        <label htmlFor="login-email">E-mail</label>
        <input
          id="login-email"
          className="input"
          type="email"
          autoComplete="username"
          data-testid="login-email"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <label htmlFor="login-password">Password</label>
        <input
          id="login-password"
          className="input"
          type="password"
          autoComplete="current-password"
          data-testid="login-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <button
          type="submit"
          className="button primary"
          data-testid="login-submit"
          disabled={!email || !password || login.isPending}
        >
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
        {login.error && <p className="field-error">{errorMessage(login.error)}</p>}
      </form>
    </div>
  );
}
