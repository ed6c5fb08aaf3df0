// `npm run bench:outage -- [--seconds 45] [--kill-at 15] [--down 8] [--rate 10]`: the identity service killed and
// restarted under load (bench/load/upstream-outage.ts).
import { parseCommandLine } from '../core/args.ts';
import { runMain } from '../core/main.ts';
import { outageFlags, runOutage } from '../bench/load/upstream-outage.ts';

runMain('bench:outage', async () => {
  const { values } = parseCommandLine(
    process.argv.slice(2),
    { options: outageFlags },
    { usage: 'usage: npm run bench:outage -- [--seconds 45] [--kill-at 15] [--down 8] [--rate 10]' },
  );
  return runOutage(values);
});
