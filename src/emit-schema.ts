import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, printSdl } from './schema.js';

// `npm run schema`: writes schema/schema.graphql from the code (a test fails when it is stale).
const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../schema/schema.graphql');
writeFileSync(out, printSdl(await buildSchema()));
console.log(`wrote ${path.relative(process.cwd(), out)}`);
