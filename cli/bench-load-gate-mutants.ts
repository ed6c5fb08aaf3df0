// `npm run bench:load-gate-mutants -- [--only NAME,...] [--concurrency N]`: the load gate against broken references
// (bench/load/load-gate-mutants.ts). Exit 0 when every mutant is killed and the healthy reference passes.
import { parseCommandLine } from '../core/args.ts';
import { runMain } from '../core/main.ts';
import { runLoadGateMutants } from '../bench/load/load-gate-mutants.ts';

runMain('bench:load-gate-mutants', async () => {
  const { values } = parseCommandLine(
    process.argv.slice(2),
    { options: { only: { type: 'string' }, concurrency: { type: 'string' } } },
    { usage: 'usage: npm run bench:load-gate-mutants -- [--only NAME,...] [--concurrency N]' },
  );
  return runLoadGateMutants(values);
});
