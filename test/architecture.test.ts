import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import ts from 'typescript';

/**
 * The layer rules: dependencies point inward (apps/api → adapters → application → domain); the client stands apart,
 * on the contract alone, and the web app reaches the API through the client only. They bind the source only; tests may reach outward (application tests use the in-memory adapter).
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface LayerRule {
  readonly name: string;
  /** The source folder; a relative import must stay inside it. */
  readonly src: string;
  /** Whether a package (non-relative) specifier may be imported. */
  readonly allowsPackage: (specifier: string) => boolean;
  readonly explanation: string;
}

const isPackage = (specifier: string, name: string) => specifier === name || specifier.startsWith(`${name}/`);

const rules: readonly LayerRule[] = [
  {
    name: 'domain',
    src: join(root, 'packages/domain/src'),
    allowsPackage: () => false,
    explanation: 'the domain imports nothing but its own files: no packages, no node: builtins',
  },
  {
    name: 'application',
    src: join(root, 'packages/application/src'),
    allowsPackage: (specifier) => specifier === '@todo/domain',
    explanation: 'the application imports only its own files and @todo/domain',
  },
  {
    name: 'client',
    src: join(root, 'packages/client/src'),
    allowsPackage: () => false,
    explanation: 'the client runs in browsers and Node alike and depends on the contract only: no packages, no node: builtins',
  },
  {
    name: 'web',
    src: join(root, 'apps/web/src'),
    allowsPackage: (specifier) => !specifier.startsWith('@todo/') || isPackage(specifier, '@todo/client'),
    explanation: 'the web app knows the API through @todo/client only: no server package',
  },
  {
    name: 'adapters',
    src: join(root, 'packages/adapters/src'),
    allowsPackage: (specifier) => !isPackage(specifier, 'awilix') && !isPackage(specifier, '@todo/api'),
    explanation: 'the adapters never know the composition root: no awilix, no @todo/api',
  },
];

/** A dynamic import() or require() whose specifier is computed, so that no rule can check it. */
const COMPUTED = '<computed specifier>';

/**
 * Every module specifier a source file names: import and export declarations (type-only ones too),
 * `import x = require()`, `import('…')` in code and in types, and `require('…')`. Comments and strings are not code,
 * so they never count.
 */
function importSpecifiers(source: string, fileName = 'sample.ts'): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: string[] = [];
  const literal = (node: ts.Node | undefined) =>
    node !== undefined && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : COMPUTED;
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      found.push(literal(node.moduleSpecifier));
    } else if (ts.isExternalModuleReference(node)) {
      found.push(literal(node.expression));
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      found.push(literal(node.argument.literal));
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      found.push(literal(node.arguments[0]));
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** What is wrong with one source file under a rule: one message per offending specifier. */
function layerViolations(rule: LayerRule, file: string, source: string): string[] {
  const where = relative(root, file);
  return importSpecifiers(source, file).flatMap((specifier) => {
    if (specifier.startsWith('./') || specifier.startsWith('../')) {
      const target = resolve(dirname(file), specifier);
      return target.startsWith(rule.src + sep) ? [] : [`${where} imports '${specifier}', outside ${relative(root, rule.src)}`];
    }
    return rule.allowsPackage(specifier) ? [] : [`${where} imports '${specifier}': ${rule.explanation}`];
  });
}

const SOURCE_FILE = /\.(?:[cm]?ts|tsx|[cm]?js|jsx)$/;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && SOURCE_FILE.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

t.test('the layer rules hold for the source', async (t) => {
  for (const rule of rules) {
    t.test(rule.name, async (t) => {
      const files = sourceFiles(rule.src);
      t.ok(files.length > 0, `found source files in ${relative(root, rule.src)}`);
      const violations = files.flatMap((file) => layerViolations(rule, file, readFileSync(file, 'utf8')));
      t.strictSame(violations, [], rule.explanation);
    });
  }
});

/**
 * The driving adapters stand side by side: MCP shares with HTTP only the neutral modules (`auth/`, `wire/`),
 * never HTTP's routes or plugins, so that one adapter can change without the other noticing.
 */
const neighbours = { from: join(root, 'packages/adapters/src/mcp'), forbidden: join(root, 'packages/adapters/src/http') };

function neighbourImports(file: string, source: string): string[] {
  return importSpecifiers(source, file)
    .filter((specifier) => specifier.startsWith('.') && resolve(dirname(file), specifier).startsWith(neighbours.forbidden + sep))
    .map((specifier) => `${relative(root, file)} imports '${specifier}': the MCP adapter shares only auth/ and wire/ with HTTP`);
}

t.test('the MCP adapter never imports the HTTP adapter', async (t) => {
  const files = sourceFiles(neighbours.from);
  t.ok(files.length > 0, 'found the MCP adapter');
  t.strictSame(files.flatMap((file) => neighbourImports(file, readFileSync(file, 'utf8'))), []);
  const sample = join(neighbours.from, 'sample.ts');
  t.equal(neighbourImports(sample, "import { taskRoutes } from '../http/task-routes.js';").length, 1, 'the check catches one');
  t.strictSame(neighbourImports(sample, "import { problem } from '../wire/problem.js';\nimport { x } from './tools.js';"), []);
});

t.test('the source scan finds the files it must check', async (t) => {
  const domainFiles = sourceFiles(join(root, 'packages/domain/src')).map((file) => relative(root, file));
  t.ok(domainFiles.includes(join('packages/domain/src/task.ts')));
  const applicationFiles = sourceFiles(join(root, 'packages/application/src')).map((file) => relative(root, file));
  t.ok(applicationFiles.includes(join('packages/application/src/ports/task-repository.ts')), 'nested folders too');
});

t.test('importSpecifiers', async (t) => {
  t.test('finds every form of import and re-export', async (t) => {
    const source = [
      "import a from 'default';",
      "import type { B } from 'type-only';",
      'import {\n  c,\n  d,\n} from "multi-line";',
      "import 'side-effect';",
      "import * as e from 'namespace';",
      "export * from 'export-star';",
      "export { f } from 'export-named';",
      "export type { G } from 'export-type';",
      "import h = require('import-equals');",
      "const i = await import('dynamic');",
      'const j = import(`template`);',
      "type K = import('type-import').K;",
      "const l = require('required');",
    ].join('\n');
    t.strictSame(importSpecifiers(source), [
      'default',
      'type-only',
      'multi-line',
      'side-effect',
      'namespace',
      'export-star',
      'export-named',
      'export-type',
      'import-equals',
      'dynamic',
      'template',
      'type-import',
      'required',
    ]);
  });

  t.test('ignores comments, strings and local exports', async (t) => {
    const source = [
      "// import a from 'line-comment';",
      "/* import 'block-comment'; */",
      "const text = \"import b from 'in-a-string'\";",
      'export const c = 1;',
      'export { c as d };',
    ].join('\n');
    t.strictSame(importSpecifiers(source), []);
  });

  t.test('reports a computed dynamic import as such', async (t) => {
    t.strictSame(importSpecifiers('const name = "pg";\nawait import(name);'), [COMPUTED]);
  });
});

t.test('layerViolations', async (t) => {
  const [domain, application, client, web, adapters] = rules as [LayerRule, LayerRule, LayerRule, LayerRule, LayerRule];
  const inDomain = join(domain.src, 'task.ts');
  const inApplication = join(application.src, 'ports/task-repository.ts');
  const inAdapters = join(adapters.src, 'http/task-routes.ts');

  t.test('the domain may import its own files only', async (t) => {
    t.strictSame(layerViolations(domain, inDomain, "import { ok } from './result.js';\nexport * from './ids.js';"), []);
    for (const specifier of ['node:crypto', 'crypto', '@todo/application', 'zod', '../../application/src/index.js']) {
      t.equal(layerViolations(domain, inDomain, `import x from '${specifier}';`).length, 1, specifier);
    }
    t.equal(layerViolations(domain, inDomain, "const { randomUUID } = await import('node:crypto');").length, 1, 'dynamic import');
    t.equal(layerViolations(domain, inDomain, 'await import(moduleName);').length, 1, 'computed import');
  });

  t.test('the application may import its own files and @todo/domain only', async (t) => {
    const allowed = [
      "import type { Task } from '@todo/domain';",
      "import type { Clock } from './clock.js';",
      "import { x } from '../task-list.js';",
    ].join('\n');
    t.strictSame(layerViolations(application, inApplication, allowed), []);
    const forbidden = [
      'fastify',
      '@fastify/sensible',
      'kysely',
      'pg',
      'awilix',
      'typebox',
      '@electric-sql/pglite',
      '@todo/adapters',
      '@todo/api',
      'node:fs',
      '@todo/domain/src/task.js',
      '../../../adapters/src/index.js',
    ];
    for (const specifier of forbidden) {
      const reason = specifier.startsWith('.') ? ', outside packages/application/src' : `: ${application.explanation}`;
      t.strictSame(
        layerViolations(application, inApplication, `import type { X } from '${specifier}';`),
        [`packages/application/src/ports/task-repository.ts imports '${specifier}'${reason}`],
        specifier,
      );
    }
    t.equal(layerViolations(application, inApplication, "export { Kysely } from 'kysely';").length, 1, 're-export');
    t.equal(layerViolations(application, inApplication, "const pg = await import('pg');").length, 1, 'dynamic import');
  });

  t.test('the client may import its own files only: no server package, no Node builtin', async (t) => {
    const inClient = join(client.src, 'client.ts');
    t.strictSame(layerViolations(client, inClient, "import { Transport } from './transport.js';"), []);
    for (const specifier of ['@todo/domain', '@todo/adapters', 'node:crypto', 'openapi-fetch', '../../adapters/src/index.js']) {
      t.equal(layerViolations(client, inClient, `import type { X } from '${specifier}';`).length, 1, specifier);
    }
  });

  t.test('the web app may import @todo/client and other packages, never a server package', async (t) => {
    const inWeb = join(web.src, 'lib/api.ts');
    const allowed = ["import { createTodoClient } from '@todo/client';", "import { betterAuth } from 'better-auth';", "import { authClient } from '@/lib/auth-client';"];
    t.strictSame(layerViolations(web, inWeb, allowed.join('\n')), []);
    for (const specifier of ['@todo/adapters', '@todo/domain', '@todo/application', '@todo/api', '../../../../packages/adapters/src/index.js']) {
      t.equal(layerViolations(web, inWeb, `import { x } from '${specifier}';`).length, 1, specifier);
    }
  });

  t.test('the adapters may import any package but awilix and @todo/api', async (t) => {
    const allowed = [
      "import Fastify from 'fastify';",
      "import { Kysely } from 'kysely';",
      "import type { Task } from '@todo/domain';",
      "import { x } from '../memory/in-memory-task-repository.js';",
    ].join('\n');
    t.strictSame(layerViolations(adapters, inAdapters, allowed), []);
    const forbidden = ['awilix', 'awilix/lib/container', '@todo/api', '@todo/api/src/app.js', '../../../../apps/api/src/app.js'];
    for (const specifier of forbidden) {
      t.equal(layerViolations(adapters, inAdapters, `import { x } from '${specifier}';`).length, 1, specifier);
    }
    t.strictSame(layerViolations(adapters, inAdapters, "import x from 'awilix-like';"), [], 'a name that only starts with awilix');
  });
});
