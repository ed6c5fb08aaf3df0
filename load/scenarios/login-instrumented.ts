// The load suite's login scenario, unchanged, plus one tag: `vu_id` = exec.vu.idInTest on every sample, so a
// distributed run can prove from the metric streams which VU (hence which account: load/lib/accounts.ts maps
// VU idInTest N to account N-1) each instance used. A k6 script: k6 and the local engine run it alike.
import exec from 'k6/execution';
import login from './login.ts';

export { handleSummary, options, setup } from './login.ts';

export default function (): void {
  exec.vu.metrics.tags.vu_id = String(exec.vu.idInTest);
  login();
}
