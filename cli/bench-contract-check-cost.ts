// `npm run bench:contract-check-cost -- [--iterations 20000] [--rounds 3]`: the CPU the contract under load adds per
// login response on the local engine (bench/load/contract-check-cost.ts).
import { parseCommandLine } from '../core/args.ts';
import { runMain } from '../core/main.ts';
import { runContractCheckCost } from '../bench/load/contract-check-cost.ts';

runMain('bench:contract-check-cost', async () => {
  const { values } = parseCommandLine(
    process.argv.slice(2),
    { options: { iterations: { type: 'string' }, rounds: { type: 'string' } } },
    { usage: 'usage: npm run bench:contract-check-cost -- [--iterations 20000] [--rounds 3]' },
  );
  return runContractCheckCost(values);
});
