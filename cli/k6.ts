// `npm run k6 -- run [flags] <script.ts>`: real k6 when it is on PATH (or K6_ENGINE=k6), else the local engine
// (load/engine/cli.ts). k6's own command line and exit codes, so not core/main.ts's: this stands in for the k6 binary.
import { runK6Cli } from '../load/engine/cli.ts';

runK6Cli(process.argv.slice(2));
