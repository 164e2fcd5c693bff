import type { NextConfig } from 'next';

const config: NextConfig = {
  // PGlite loads its WebAssembly and data files next to its own module: it must stay a plain Node package.
  serverExternalPackages: ['@electric-sql/pglite', 'kysely-pglite-dialect'],
  // The root `pnpm typecheck` and `pnpm lint` check this app: the build does not do it a second time.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  // The cache speeds up rebuilds on a developer's machine; CI builds once, so writing it is time lost.
  experimental: { turbopackFileSystemCacheForBuild: process.env.CI !== 'true' },
  reactStrictMode: true,
};

export default config;
