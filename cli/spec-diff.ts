// `npm run spec:diff -- [--base FILE] [--format text|markdown|json] <newer-spec>`: exit 0 nothing breaking,
// 1 breaking changes listed, 2 bad input (one line on stderr). The flags are parsed (node:util parseArgs) and the
// documents compared by tools/spec-diff/main.ts, which its tests call in-process.
import { runMain } from '../core/main.ts';
import { main } from '../tools/spec-diff/main.ts';

runMain('spec:diff', async () => main(process.argv.slice(2)));
