import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

export const CONTRACT = new URL('../../../specs/contracts/openapi.yaml', import.meta.url);
export const GENERATED_TYPES = new URL('../src/openapi-types.ts', import.meta.url);

const HEADER = `/**
 * Generated from specs/contracts/openapi.yaml by openapi-typescript: do not edit.
 * Regenerate with \`pnpm client:types\` after the contract changes (a test fails while this file is stale).
 */

`;

/** The TypeScript types of the contract, exactly as they are committed in src/openapi-types.ts. */
export async function generateTypes(): Promise<string> {
  const ast = await openapiTS(await readFile(CONTRACT, 'utf8'));
  return HEADER + astToString(ast);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(GENERATED_TYPES, await generateTypes());
  console.log(`wrote ${fileURLToPath(GENERATED_TYPES)}`);
}
