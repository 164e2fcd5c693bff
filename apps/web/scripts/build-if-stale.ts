import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = fileURLToPath(new URL('../', import.meta.url));
const clientDir = fileURLToPath(new URL('../../../packages/client/', import.meta.url));
export const NEXT_BIN = join(webDir, 'node_modules/next/dist/bin/next');

/** The newest modification time of the files under `paths`. */
function newestChange(paths: readonly string[]): number {
  let newest = 0;
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const stat = statSync(path);
    if (stat.isFile()) newest = Math.max(newest, stat.mtimeMs);
    else
      for (const entry of readdirSync(path, { recursive: true, withFileTypes: true })) {
        if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
      }
  }
  return newest;
}

const builtAt = (file: string) => (existsSync(file) ? statSync(file).mtimeMs : 0);

function run(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // Output goes to stderr: a test's stdout is its TAP stream.
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 2, 2], env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited with ${code}`))));
  });
}

/**
 * Builds @todo/client's dist and the web app unless they are newer than their sources: `pnpm test` and CI build
 * once; a developer who changed a file gets a fresh build. Sources, not dist, decide for the web app, since packing
 * the client (its test does) rewrites dist without changing it.
 */
export async function buildIfStale(): Promise<void> {
  const clientSources = [join(clientDir, 'src'), join(clientDir, 'tsconfig.build.json')];
  if (builtAt(join(clientDir, 'dist/index.js')) < newestChange(clientSources)) {
    await run([join(clientDir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], clientDir);
  }
  const webSources = [join(webDir, 'src'), join(webDir, 'next.config.ts'), join(webDir, 'package.json'), ...clientSources];
  if (builtAt(join(webDir, '.next/BUILD_ID')) >= newestChange(webSources)) {
    console.error('@todo/web: the build is up to date');
    return;
  }
  const started = Date.now();
  await run([NEXT_BIN, 'build'], webDir);
  console.error(`@todo/web: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildIfStale();
