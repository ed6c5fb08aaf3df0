// `npm run spec:diff -- [--base FILE] [--format text|markdown|json] <newer-spec>`: exit 0 nothing breaking,
// 1 breaking changes listed, 2 bad input (one line on stderr).
import { main } from './main.ts';

process.exitCode = main(process.argv.slice(2));
