// `npm run selftest:deployments -- [NAME ...]`: the suite against the reference's realistic deployment policies
// (contract/selftest/deployments.ts); names pick the scenarios whose names contain them. Exit 1 when any disagrees.
import { parseCommandLine } from '../core/args.ts';
import { runMain } from '../core/main.ts';
import { runDeployments } from '../contract/selftest/deployments.ts';

runMain('selftest:deployments', async () => {
  const { positionals } = parseCommandLine(
    process.argv.slice(2),
    { allowPositionals: true },
    { usage: 'usage: npm run selftest:deployments -- [SCENARIO-NAME-PART ...]' },
  );
  return runDeployments(positionals);
});
