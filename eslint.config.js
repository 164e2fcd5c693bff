import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    '**/.data/',
    '**/.tap/',
    '**/coverage/',
    // Next.js: its build output and the declarations it writes itself.
    '**/.next/',
    'apps/web/next-env.d.ts',
    // Generated from the OpenAPI file (pnpm client:types).
    'packages/client/src/openapi-types.ts',
    // An outside app's files, type-checked by the package test against the packed tarball.
    'packages/client/test/fixtures/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // One TypeScript program for the workspace: the root tsconfig.json, whose customConditions resolve @todo/* to source.
        projectService: { defaultProject: 'tsconfig.json' },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // `_` marks a binding kept on purpose (a loop counter, a destructured field left out).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Adapters implement async ports with synchronous bodies (the in-memory repository); `async` keeps their contract.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // JavaScript files (configs, scripts) are in no TypeScript project: lint them without type information.
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    rules: {
      // Node's globals are not declared here (no `globals` package); TypeScript checks undefined names in .ts files.
      'no-undef': 'off',
    },
  },
  {
    files: ['packages/adapters/src/postgres/migrations/**/*.ts', 'packages/adapters/src/postgres/migrate.ts'],
    rules: {
      // Migrations are frozen in time: they run over Kysely<any>, never over today's Database type.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['**/test/**/*.ts'],
    rules: {
      // Response bodies are read with `response.json()` and checked by the assertions themselves.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      // tap's t.test() returns a promise that tap itself awaits: awaiting every subtest would only add noise.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: '@tapjs/test', name: 'test' }] },
      ],
    },
  },
);
