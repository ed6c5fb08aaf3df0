// `npm run report:summary -- [--run DIR]...`: the CI job summary (gate, contract JUnit counts, the performance review's
// headline table, load summaries) and the pull-request comment, into $REPORTS_DIR/summary/, appended to
// $GITHUB_STEP_SUMMARY when set (reports/summary/).
import { runMain } from '../core/main.ts';
import { writeSummary } from '../reports/summary/build.ts';

runMain('report:summary', async () => {
  const written = writeSummary(process.argv.slice(2));
  console.log(
    `job summary: ${written.jobSummary}${process.env.GITHUB_STEP_SUMMARY ? ' (appended to $GITHUB_STEP_SUMMARY)' : ''}`,
  );
  console.log(`pull-request comment: ${written.prComment}`);
  return 0;
});
