// `npm run bench:engine`: the local engine's figures on this machine (bench/load/engine/throughput.ts), configured by
// BENCH_SECONDS, BENCH_RATE and BENCH_ONLY (no flags). A failure is one line, exit 1.
import { parseCommandLine } from '../core/args.ts';
import { runMain } from '../core/main.ts';
import { runEngineBench } from '../bench/load/engine/throughput.ts';

runMain(
  'bench:engine',
  async () => {
    parseCommandLine(
      process.argv.slice(2),
      {},
      { usage: 'usage: [BENCH_SECONDS=S BENCH_RATE=R BENCH_ONLY=1,2,3,4] npm run bench:engine' },
    );
    await runEngineBench();
  },
  { service: true },
);
