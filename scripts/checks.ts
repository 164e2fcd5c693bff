/**
 * What `pnpm test` runs before tap, at the same time rather than one after another: type-checking, linting and
 * building the web app (when its sources changed) each keep one core busy, and CI has two. Fails if any fails.
 */
import { spawn } from 'node:child_process';

const CHECKS: Record<string, readonly string[]> = {
  typecheck: ['pnpm', 'typecheck'],
  lint: ['pnpm', 'lint'],
  'web build': [process.execPath, '--import', 'tsx', 'apps/web/scripts/build-if-stale.ts'],
};

function run(name: string, [command, ...args]: readonly string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command!, args, { stdio: 'inherit' });
    child.on('error', (error) => {
      console.error(`${name}: ${error.message}`);
      resolve(false);
    });
    child.on('exit', (code) => {
      if (code !== 0) console.error(`${name} failed (exit ${code})`);
      resolve(code === 0);
    });
  });
}

const results = await Promise.all(Object.entries(CHECKS).map(([name, command]) => run(name, command)));
process.exitCode = results.every(Boolean) ? 0 : 1;
