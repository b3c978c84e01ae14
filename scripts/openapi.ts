/** `npm run openapi`: writes docs/openapi.json from the code (functions/api/openapi/document.ts). */
import { writeFileSync } from 'node:fs';
import { openApiText } from '../functions/api/openapi/document.js';

const target = new URL('../docs/openapi.json', import.meta.url);
writeFileSync(target, openApiText());
process.stdout.write(`wrote ${target.pathname}\n`);
