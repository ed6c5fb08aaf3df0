// `npm run report:load -- [run-dir ...] [--out DIR]`: the self-contained HTML load report (reports/load-report/build.ts).
import { runMain } from '../core/main.ts';
import { reportLoadMain } from '../reports/load-report/build.ts';

runMain('report:load', reportLoadMain);
