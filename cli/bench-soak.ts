// `npm run bench:soak -- [--minutes 30] [--rate-scale 1] [--warmup-minutes M] [--sample-seconds 5]`: the soak
// profile against the reference, with the API's and the identity service's memory sampled (bench/load/soak.ts).
import { parseCommandLine } from '../core/args.ts';
import { runMain } from '../core/main.ts';
import { runSoak, soakFlags } from '../bench/load/soak.ts';

runMain('bench:soak', async () => {
  const { values } = parseCommandLine(
    process.argv.slice(2),
    { options: soakFlags },
    { usage: 'usage: npm run bench:soak -- [--minutes 30] [--rate-scale 1] [--warmup-minutes M] [--sample-seconds 5]' },
  );
  return runSoak(values);
});
