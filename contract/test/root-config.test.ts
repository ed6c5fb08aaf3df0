// `npx playwright test` at the repository root (root playwright.config.ts) runs the contract suite exactly as
// `npm run contract` (`playwright test -c contract/playwright.config.ts`) does: same tests with the same ids, same
// global setup, reporters, projects and settings. Both configs are listed by Playwright itself (--list, JSON).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../config/index.ts';

const playwrightCli = join(dirname(createRequire(import.meta.url).resolve('@playwright/test/package.json')), 'cli.js');

interface Listed {
  config: Record<string, unknown> & { projects: Record<string, unknown>[] };
  suites: Suite[];
}
interface Suite {
  specs?: { id: string; file: string; title: string; tests: { projectName: string }[] }[];
  suites?: Suite[];
}

function list(configArgs: string[]): Listed {
  const run = spawnSync(process.execPath, [playwrightCli, 'test', ...configArgs, '--list', '--reporter=json'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  assert.equal(run.status, 0, `playwright test ${configArgs.join(' ')} --list failed:\n${run.stderr}`);
  return JSON.parse(run.stdout) as Listed;
}

function tests(listed: Listed): string[] {
  const out: string[] = [];
  const walk = (s: Suite): void => {
    for (const spec of s.specs ?? [])
      for (const t of spec.tests) out.push(`${spec.id} ${t.projectName} ${spec.file} ${spec.title}`);
    for (const child of s.suites ?? []) walk(child);
  };
  for (const s of listed.suites) walk(s);
  return out.sort();
}

// `--reporter=json` replaces the configured reporters in what --list prints (and keeps --list from writing report
// files), so the reporters are compared below, on the config object itself.
const compared = [
  'rootDir',
  'globalSetup',
  'globalTeardown',
  'workers',
  'fullyParallel',
  'globalTimeout',
  'forbidOnly',
];

test('npx playwright test at the root lists the same tests and config as npm run contract', () => {
  const root = list([]);
  const contract = list(['-c', 'contract/playwright.config.ts']);
  const rootTests = tests(root);
  assert.ok(rootTests.length > 10, `only ${rootTests.length} tests listed`);
  assert.deepEqual(rootTests, tests(contract));
  for (const key of compared) assert.deepEqual(root.config[key], contract.config[key], key);
  assert.deepEqual(root.config.projects, contract.config.projects);
  assert.match(String(root.config.globalSetup), /contract[\\/]support[\\/]global-setup\.ts$/);
  assert.match(String(root.config.configFile), /[\\/]playwright\.config\.ts$/);
  assert.doesNotMatch(String(root.config.configFile), /contract/);
});

test('the root config is the contract config, whose paths resolve from anywhere (absolute)', async () => {
  const rootConfig = (await import('../../playwright.config.ts')).default;
  const contractConfig = (await import('../playwright.config.ts')).default;
  assert.equal(rootConfig, contractConfig);
  assert.ok(isAbsolute(contractConfig.testDir ?? ''), 'testDir');
  assert.ok(isAbsolute(String(contractConfig.globalSetup)), 'globalSetup');
  const reporters = (contractConfig.reporter ?? []) as unknown as [string, Record<string, unknown>?][];
  for (const [name] of reporters.filter(([n]) => n.includes('/') || n.includes('\\')))
    assert.ok(isAbsolute(name), name);
  // The JUnit reporter writes beside results.json, in the contract's report folder.
  const junit = reporters.find(([name]) => name === 'junit');
  assert.match(String(junit?.[1]?.outputFile), /[\\/]contract[\\/]junit\.xml$/);
});
