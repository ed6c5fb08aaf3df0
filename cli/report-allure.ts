// `npm run report:allure -- [--run DIR] [--no-load]`: the latest (or given) load run bridged into the Allure results,
// then one Allure 3 report (reports/allure/build.ts). --no-load: the contract results only.
import { resolve } from 'node:path';
import { parseCommandLine } from '../core/args.ts';
import { runMain } from '../core/main.ts';
import { buildAllureReport } from '../reports/allure/build.ts';

const usage = 'usage: npm run report:allure -- [--run DIR] [--no-load]';

runMain('report:allure', async () => {
  const { values } = parseCommandLine(
    process.argv.slice(2),
    { options: { run: { type: 'string' }, 'no-load': { type: 'boolean' } } },
    {
      usage,
      describe: (p) =>
        p.kind === 'missing-value' ? '--run needs a load run directory' : `unexpected argument "${p.arg}"; ${usage}`,
    },
  );
  const runDir = values['no-load'] === true ? null : values.run === undefined ? undefined : resolve(values.run);
  const r = await buildAllureReport(runDir === undefined ? {} : { runDir });
  console.log(`allure report: ${r.indexHtml} (${r.results} results, ${r.loadResults} from the load run)`);
  return 0;
});
