// `npm run config`: the resolved configuration, secrets redacted, so a QA engineer sees what a run will use.
import { describeConfig, loadConfig, variables } from '../config/index.ts';
import { parseCommandLine } from '../core/args.ts';
import { runMain } from '../core/main.ts';

runMain('config', async () => {
  parseCommandLine(
    process.argv.slice(2),
    {},
    { usage: 'usage: npm run config (no arguments; TARGET_ENV picks the environment)' },
  );
  const described = describeConfig(loadConfig());
  const width = Math.max(...Object.keys(variables).map((k) => k.length));
  for (const [name, value] of Object.entries(described)) console.log(`${name.padEnd(width)}  ${value}`);
  return 0;
});
