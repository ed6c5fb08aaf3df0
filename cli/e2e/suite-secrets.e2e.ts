// End-to-end: `npm run suite` on the reference into a fresh reports folder must pass, and no file it wrote may hold
// a test password or any token the reference issued during the run (raw, URL-encoded, JSON-escaped or base64).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig, repoRoot } from '../../config/index.ts';
import { scanForSecrets } from '../../reports/secret-scan.ts';

const reportsDir = mkdtempSync(join(tmpdir(), 'suite-e2e-reports-'));
const journal = join(mkdtempSync(join(tmpdir(), 'suite-e2e-tokens-')), 'issued-tokens.txt');

/** Compact JWS anywhere in a file: whatever was issued, a token must not be stored in a report. */
const jwtShape = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

test(
  'npm run suite passes on the reference and leaves no secret under reports/output',
  { timeout: 15 * 60_000 },
  () => {
    const run = spawnSync('npm', ['run', '--silent', 'suite'], {
      cwd: repoRoot,
      env: { ...process.env, REPORTS_DIR: reportsDir, REFERENCE_TOKEN_JOURNAL: journal },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const tail = `${run.stdout}\n${run.stderr}`.split('\n').slice(-40).join('\n');
    assert.equal(run.status, 0, `npm run suite exited ${run.status}:\n${tail}`);

    const expected = ['index.html', 'gate.json', 'gate.md', 'allure-report/index.html', 'contract/coverage.json'];
    for (const file of expected) assert.ok(existsSync(join(reportsDir, file)), `missing ${file}`);
    const gate = JSON.parse(readFileSync(join(reportsDir, 'gate.json'), 'utf8')) as { verdict: string };
    assert.equal(gate.verdict, 'pass');

    // The real outputs render in Debian chromium (index, load report, Allure): reports/test/render.test.ts on them.
    const render = spawnSync(
      process.execPath,
      [
        '--import',
        './cli/ts-register.js',
        '--test',
        '--test-name-pattern',
        'suite outputs',
        'reports/test/render.test.ts',
      ],
      // Without NODE_TEST_CONTEXT, or the nested runner reports in its binary child protocol instead of text.
      {
        cwd: repoRoot,
        env: { ...process.env, NODE_TEST_CONTEXT: undefined, REPORTS_DIR: reportsDir },
        encoding: 'utf8',
      },
    );
    assert.equal(render.status, 0, `rendering the suite outputs failed:\n${render.stdout.slice(-3000)}`);
    assert.match(render.stdout, /# pass 1\n/, 'the rendering test did not run');
    cpSync(join(reportsDir, 'screenshots'), join(loadConfig().reportsDir, 'screenshots', 'e2e'), { recursive: true });

    const issued = existsSync(journal)
      ? readFileSync(journal, 'utf8')
          .split('\n')
          .filter((t) => t.length >= 6)
      : [];
    assert.ok(issued.length > 0, 'the reference journaled no issued token: the scan would prove nothing');
    const passwords = [
      loadConfig().login.password,
      ...Array.from({ length: 200 }, (_, i) => `Load-Only-Passw0rd-${String(i + 1).padStart(4, '0')}!`),
    ];
    const scan = scanForSecrets(reportsDir, [...passwords, ...issued]);
    assert.ok(scan.filesScanned > 10, `only ${scan.filesScanned} files scanned`);
    const hits = scan.hits.map(
      (h) => `${h.file} (${h.secretIndex < passwords.length ? 'password' : 'token'}, ${h.form})`,
    );
    assert.deepEqual(hits, [], 'secrets found under reports/output');

    const jwtFiles = filesUnder(reportsDir).filter((f) => jwtShape.test(readFileSync(f, 'latin1')));
    assert.deepEqual(jwtFiles, [], 'JWT-shaped strings found under reports/output');
    console.log(
      `scanned ${scan.filesScanned} files, ${(scan.bytesScanned / 1e6).toFixed(1)} MB, ${issued.length} tokens`,
    );
    rmSync(reportsDir, { recursive: true, force: true });
  },
);
