// `npm run bench:distributed -- [--rate 20] [--hold 20] [--processes 1,2,4,1]`: one test split over several load
// generator processes, merged figures against a single process (bench/load/distributed.ts).
import { parseCommandLine } from '../core/args.ts';
import { runMain } from '../core/main.ts';
import { distributedFlags, runDistributed } from '../bench/load/distributed.ts';

runMain('bench:distributed', async () => {
  const { values } = parseCommandLine(
    process.argv.slice(2),
    { options: distributedFlags },
    { usage: 'usage: npm run bench:distributed -- [--rate 20] [--hold 20] [--processes 1,2,4,1]' },
  );
  return runDistributed(values);
});
