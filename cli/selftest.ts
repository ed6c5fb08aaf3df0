// `npm run selftest -- [--jobs N] [--only NAME[,NAME]] [--timeout-s S]`: the contract suite proves its power on the
// reference's defect catalog (contract/selftest/run.ts), then a full run also proves the load gate's on the load-gate
// mutants (bench/load/load-gate-mutants.ts). Exit 0 only when both hold; 2 for bad usage.
import { parseCommandLine } from '../core/args.ts';
import { runMain } from '../core/main.ts';
import { runLoadGateMutants } from '../bench/load/load-gate-mutants.ts';
import { runSelftest, selftestOptions } from '../contract/selftest/run.ts';

const usage = 'use --jobs N, --only name[,name], --timeout-s S';

runMain('selftest', async () => {
  const { values } = parseCommandLine(
    process.argv.slice(2),
    { options: { jobs: { type: 'string' }, only: { type: 'string' }, 'timeout-s': { type: 'string' } } },
    {
      usage,
      describe: (p) => (p.kind === 'missing-value' ? `${p.arg} needs a value` : `unknown flag ${p.arg}: ${usage}`),
    },
  );
  const options = selftestOptions({ jobs: values.jobs, only: values.only, timeoutS: values['timeout-s'] });
  const code = await runSelftest(options);
  // A partial run (--only) is about the contract's defects; the load gate's mutants run with the whole self-test.
  if (code !== 0 || options.only !== undefined) return code;
  console.log('\nselftest: the load gate on its mutants (bench/load/load-gate-mutants.ts)');
  return runLoadGateMutants();
});
