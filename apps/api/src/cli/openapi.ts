import { writeFile } from 'node:fs/promises';
import { InMemoryTaskRepository, openApiYaml } from '@todo/adapters';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';

/** Writes the OpenAPI document the server serves to specs/contracts/openapi.yaml (or the path given). */
const target = process.argv[2] ?? 'specs/contracts/openapi.yaml';
const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', BETTER_AUTH_SECRET: 'openapi-generation' }), {
  tasks: new InMemoryTaskRepository(),
});
await app.ready();
await writeFile(target, openApiYaml(app));
await app.close();
console.log(`wrote ${target}`);
