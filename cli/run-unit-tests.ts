// Runs every `<folder>/test/**/*.test.ts` with Node's test runner (files found here because Node 20's --test has no globs).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandLine } from '../core/args.ts';
import { runMain } from '../core/main.ts';

const roots = [
  'config',
  'core',
  'contract',
  'reference',
  'reports',
  'load/engine',
  'load/k8s',
  'cli',
  'tools',
  '.github',
];
function findTests(dir: string, inTestDir: boolean): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name === 'fixtures') return [];
      return findTests(path, inTestDir || entry.name === 'test');
    }
    return inTestDir && entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

// Positionals filter the files by substring: npm run test:unit -- reports/test/gate layers
runMain('test:unit', async () => {
  const filter = parseCommandLine(
    process.argv.slice(2),
    { allowPositionals: true },
    { usage: 'usage: npm run test:unit -- [PATH-PART ...]' },
  ).positionals;
  const files = roots
    .flatMap((root) => findTests(root, false))
    .filter((file) => filter.length === 0 || filter.some((f) => file.includes(f)))
    .sort();
  if (files.length === 0) {
    console.error(`no unit test files found under ${roots.join(', ')} (filter: ${filter.join(' ') || 'none'})`);
    return 1;
  }
  const result = spawnSync(process.execPath, ['--import', './cli/ts-register.js', '--test', ...files], {
    stdio: 'inherit',
  });
  return result.status ?? 1;
});
