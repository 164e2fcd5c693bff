import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Outside production, with no BETTER_AUTH_SECRET, the service makes one and keeps it under the data
 * directory, so that tokens minted with `pnpm token` keep working across restarts.
 */
export async function developmentSecret(dataDir: string): Promise<{ secret: string; path: string; created: boolean }> {
  const path = join(dataDir, 'dev-auth-secret');
  try {
    const secret = (await readFile(path, 'utf8')).trim();
    if (secret.length > 0) return { secret, path, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  await writeFile(path, `${secret}\n`, { mode: 0o600 });
  return { secret, path, created: true };
}
