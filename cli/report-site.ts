// `npm run report:site -- restore|add|index ...`: the one Pages site for every environment — restore the published
// site, add a run as an environment, rebuild the top index and manifest (reports/index/site.ts).
import { runMain } from '../core/main.ts';
import { runSiteCommand } from '../reports/index/site.ts';

runMain('report:site', async () => {
  console.log(await runSiteCommand(process.argv.slice(2)));
  return 0;
});
