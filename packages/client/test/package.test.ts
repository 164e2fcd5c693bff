import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { startApi, tokenFor } from './support/live-api.js';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const fixtures = fileURLToPath(new URL('fixtures/consumer/', import.meta.url));

/** pnpm as the test was started by it (npm_execpath), else from the PATH. */
function pnpm(args: string[]) {
  const execPath = process.env['npm_execpath'];
  return execPath !== undefined && /pnpm/.test(execPath) && /\.c?js$/.test(execPath)
    ? run(process.execPath, [execPath, ...args], { cwd: packageDir })
    : run('pnpm', args, { cwd: packageDir });
}

/** tsc's diagnostics as "file:line" strings; tsc exits non-zero when there are any. */
async function typeCheck(cwd: string, project: string): Promise<{ ok: boolean; errors: string[]; output: string }> {
  try {
    await run(join(cwd, 'node_modules/.bin/tsc'), ['-p', project], { cwd });
    return { ok: true, errors: [], output: '' };
  } catch (error) {
    const output = String((error as { stdout?: string }).stdout);
    const errors = [...output.matchAll(/^([\w.-]+\.ts)\((\d+),\d+\): error/gm)].map(([, file, line]) => `${file}:${line}`);
    return { ok: false, errors, output };
  }
}

const tsconfig = (files: string[], moduleResolution: 'nodenext' | 'bundler') => ({
  compilerOptions: {
    target: 'ES2022',
    module: moduleResolution === 'bundler' ? 'ESNext' : 'NodeNext',
    moduleResolution,
    lib: ['ES2022', 'DOM', 'DOM.Iterable', 'DOM.AsyncIterable'],
    types: [],
    strict: true,
    outDir: 'out',
    skipLibCheck: false,
  },
  files,
});

t.test('the packed tarball installs outside the workspace, type-checks a correct app, rejects misuse, and runs', async (t) => {
  t.setTimeout(180_000);
  const outside = await mkdtemp(join(tmpdir(), 'todo-client-consumer-'));
  t.teardown(() => rm(outside, { recursive: true, force: true }));

  await pnpm(['pack', '--pack-destination', outside]);
  const tarball = (await readdir(outside)).find((name) => name.endsWith('.tgz'));
  t.ok(tarball, 'pnpm pack made a tarball');

  await writeFile(join(outside, 'package.json'), JSON.stringify({ name: 'outside-app', private: true, type: 'module' }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `./${tarball}`, 'typescript@6.0.3'], { cwd: outside });
  await cp(fixtures, outside, { recursive: true });

  for (const resolution of ['nodenext', 'bundler'] as const) {
    await writeFile(join(outside, `tsconfig.consumer.${resolution}.json`), JSON.stringify(tsconfig(['consumer.ts'], resolution)));
    const good = await typeCheck(outside, `tsconfig.consumer.${resolution}.json`);
    t.ok(good.ok, `a correct consumer type-checks (${resolution})${good.ok ? '' : `:\n${good.output}`}`);
  }

  await writeFile(join(outside, 'tsconfig.misuse.json'), JSON.stringify(tsconfig(['misuse.ts'], 'bundler')));
  const misuse = await typeCheck(outside, 'tsconfig.misuse.json');
  t.notOk(misuse.ok, 'misuse does not type-check');
  const expected = (await readFile(join(fixtures, 'misuse.ts'), 'utf8'))
    .split('\n')
    .flatMap((line, index) => (line.includes('// misuse:') ? [`misuse.ts:${index + 1}`] : []));
  t.equal(expected.length, 10, 'ten misuses in the fixture');
  const found = [...new Set(misuse.errors)];
  t.strictSame(found, expected, 'an error on each misuse line and nowhere else', found.length === expected.length ? {} : { output: misuse.output });

  // The compiled consumer runs under Node against the real API.
  const { baseUrl } = await startApi(t);
  const { stdout } = await run(process.execPath, ['out/consumer.js', baseUrl, tokenFor('outsider')], { cwd: outside });
  t.strictSame(JSON.parse(stdout), {
    title: 'From outside',
    description: 'typed',
    listed: 1,
    next: null,
    iterated: 1,
    total: 1,
    missing: '404 No such task.',
  });
});
