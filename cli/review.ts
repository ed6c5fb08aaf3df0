// `npm run review -- [--run DIR] [--baseline FILE|auto]`: the performance review against a baseline
// (reports/review/build.ts).
import { runMain } from '../core/main.ts';
import { reviewMain } from '../reports/review/build.ts';

runMain('review', reviewMain);
