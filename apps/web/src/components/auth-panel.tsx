'use client';

import { useId, useState, type FormEvent } from 'react';
import { forgetToken } from '@/lib/api';
import { authClient } from '@/lib/auth-client';

type Mode = 'sign-in' | 'sign-up';

export function AuthPanel() {
  const id = useId();
  const [mode, setMode] = useState<Mode>('sign-in');
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  const signingUp = mode === 'sign-up';

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const field = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' ? value : '';
    };
    const email = field('email');
    const password = field('password');
    setBusy(true);
    forgetToken();
    const { error } = signingUp
      ? await authClient.signUp.email({ email, password, name: field('name') })
      : await authClient.signIn.email({ email, password });
    setBusy(false);
    setProblem(error === null ? '' : (error.message ?? 'That did not work. Please try again.'));
  };

  return (
    <>
      <header className="site-header">
        <span className="brand">Todo</span>
      </header>
      <main className="auth">
        <h1 id={`${id}-heading`}>{signingUp ? 'Create an account' : 'Sign in'}</h1>
        <form aria-labelledby={`${id}-heading`} onSubmit={(event) => void submit(event)} className="panel">
          {signingUp && (
            <div className="field">
              <label htmlFor={`${id}-name`}>Name</label>
              <input id={`${id}-name`} name="name" autoComplete="name" required />
            </div>
          )}
          <div className="field">
            <label htmlFor={`${id}-email`}>Email</label>
            <input id={`${id}-email`} name="email" type="email" autoComplete="email" required />
          </div>
          <div className="field">
            <label htmlFor={`${id}-password`}>Password</label>
            <input
              id={`${id}-password`}
              name="password"
              type="password"
              autoComplete={signingUp ? 'new-password' : 'current-password'}
              minLength={8}
              required
            />
          </div>
          <p role="alert" className="problem">
            {problem}
          </p>
          <button type="submit" disabled={busy}>
            {signingUp ? 'Create account' : 'Sign in'}
          </button>
        </form>
        <p>
          {signingUp ? 'Already have an account? ' : 'No account yet? '}
          <button
            type="button"
            className="link"
            onClick={() => {
              setProblem('');
              setMode(signingUp ? 'sign-in' : 'sign-up');
            }}
          >
            {signingUp ? 'Sign in instead' : 'Create an account'}
          </button>
        </p>
      </main>
    </>
  );
}
