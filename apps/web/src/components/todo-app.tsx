'use client';

import { useEffect, useMemo, useState } from 'react';
import { createApi, forgetToken } from '@/lib/api';
import { authClient } from '@/lib/auth-client';
import { AuthPanel } from './auth-panel';
import { TasksView } from './tasks-view';

/** The whole app, in the browser: the session decides between signing in and the task list. */
export function TodoApp({ apiUrl }: { readonly apiUrl: string }) {
  const api = useMemo(() => createApi(apiUrl), [apiUrl]);
  const session = authClient.useSession();
  // The session is known in the browser only: the server renders the loading state, and so does the first render here.
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);

  if (!mounted || session.isPending) {
    return (
      <main>
        <p role="status">Loading…</p>
      </main>
    );
  }
  if (session.data === null) return <AuthPanel />;
  const { user } = session.data;
  return (
    <TasksView
      key={user.id}
      api={api}
      userName={user.name || user.email}
      onSignOut={() => {
        forgetToken();
        void authClient.signOut();
      }}
    />
  );
}
