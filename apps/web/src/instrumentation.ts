/** Runs once when the server starts: Better Auth's migrations run before the first request. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getAuth } = await import('./lib/auth');
  await getAuth();
}
