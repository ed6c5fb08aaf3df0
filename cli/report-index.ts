// `npm run report:index`: $REPORTS_DIR/index.html, the gate's verdict on top, then a link to every report present
// (reports/index/build.ts).
import { parseCommandLine } from '../core/args.ts';
import { runMain } from '../core/main.ts';
import { buildIndex } from '../reports/index/build.ts';

runMain('report:index', async () => {
  parseCommandLine(process.argv.slice(2), {}, { usage: 'usage: npm run report:index (no arguments)' });
  console.log(`index: ${buildIndex()}`);
  return 0;
});
