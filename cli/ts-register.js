// Lets `node --import ./cli/ts-register.js file.ts` run the project's TypeScript through ts-node (ESM, transpile only;
// `npm run typecheck` is where types are checked).
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

register('ts-node/esm', pathToFileURL('./'));
