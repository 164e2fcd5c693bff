import { readFile } from 'node:fs/promises';
import t from 'tap';
import { GENERATED_TYPES, generateTypes } from '../scripts/generate-types.js';

t.test('src/openapi-types.ts is exactly what specs/contracts/openapi.yaml generates (regenerate: pnpm client:types)', async (t) => {
  t.equal(await readFile(GENERATED_TYPES, 'utf8'), await generateTypes());
});
