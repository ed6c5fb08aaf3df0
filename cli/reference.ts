// `npm run reference -- [flags]`: the reference login service on 127.0.0.1 (reference/server.ts; its flags, with their
// REFERENCE_* twins, are parsed by reference/options.ts through node:util parseArgs). `--help` lists them.
import { runMain } from '../core/main.ts';
import { serveReference } from '../reference/server.ts';

runMain('reference', () => serveReference(process.argv.slice(2)), { service: true });
