/**
 * Regenerates schema/scenario.schema.json from the zod schema, so editors check scenario
 * files against exactly what statebench accepts. Run after changing the file format:
 *   npm run build && node dist/src/scenario/write-json-schema.js
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';
import { scenarioJsonSchemaText } from './schema.js';

const dir = join(packageRoot(), 'schema');
mkdirSync(dir, { recursive: true });
const file = join(dir, 'scenario.schema.json');
writeFileSync(file, scenarioJsonSchemaText());
process.stderr.write(`wrote ${file}\n`);
