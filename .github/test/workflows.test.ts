// The real workflows pass every hygiene rule; each rule is shown to fail on a fixture that breaks exactly that rule.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { siteFiles } from '../../reports/index/site.ts';
import {
  checkNpmScripts,
  checkSchema,
  lintWorkflowFile,
  readNpmScripts,
  runActionValidatorCli,
} from './lint-workflows.ts';
import type { Finding, RuleId } from './lint-workflows.ts';

const workflowsDir = '.github/workflows';
const fixturesDir = '.github/test/fixtures';
const npmScripts = readNpmScripts('package.json');

const describeFindings = (findings: Finding[]): string =>
  findings.map((f) => `${f.rule} @ ${f.where}: ${f.message}`).join('\n');

describe('real workflows', () => {
  const files = readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f));

  test('the three workflows exist', () => {
    assert.deepEqual(files.sort(), ['ci.yml', 'nightly.yml', 'release-gate.yml']);
  });

  for (const file of files) {
    test(`${file} passes every rule (parse, action-validator, permissions, pins, npm scripts, ...)`, () => {
      const findings = lintWorkflowFile(join(workflowsDir, file), npmScripts);
      assert.equal(findings.length, 0, describeFindings(findings));
    });
  }

  test('the action-validator CLI itself accepts each workflow (exit 0)', () => {
    for (const file of files) {
      const { status, stderr } = runActionValidatorCli(join(workflowsDir, file));
      assert.equal(status, 0, `${file}: ${stderr}`);
    }
  });

  test('release-gate is reusable with typed inputs and a verdict output', () => {
    const text = readFileSync(join(workflowsDir, 'release-gate.yml'), 'utf8');
    for (const needle of [
      'workflow_call:',
      'workflow_dispatch:',
      'verdict:',
      'baseline:',
      'profile:',
      'environment:',
    ]) {
      assert.ok(text.includes(needle), `release-gate.yml lacks ${needle}`);
    }
  });
});

// fixture file -> the one rule it breaks
const brokenFixtures: Record<string, RuleId> = {
  'unpinned-action.yml': 'pinned-action',
  'missing-version-comment.yml': 'version-comment',
  'unknown-npm-script.yml': 'npm-script',
  'missing-permissions.yml': 'permissions',
  'persisted-credentials.yml': 'persist-credentials',
  'input-in-shell.yml': 'shell-injection',
  'schema-violation.yml': 'schema',
  'missing-timeout.yml': 'timeout',
  'missing-concurrency.yml': 'concurrency',
  'k6-usage-report-missing.yml': 'k6-usage-report',
  'artifact-upload-on-success-only.yml': 'artifact-upload',
};

describe('each rule fails on a broken fixture', () => {
  test('the clean fixture passes (so the failures below come from the one defect each)', () => {
    const findings = lintWorkflowFile(join(fixturesDir, 'clean.yml'), npmScripts);
    assert.equal(findings.length, 0, describeFindings(findings));
  });

  test('every fixture on disk is listed here', () => {
    const onDisk = readdirSync(fixturesDir).filter((f) => f !== 'clean.yml');
    assert.deepEqual(onDisk.sort(), Object.keys(brokenFixtures).sort());
  });

  for (const [fixture, rule] of Object.entries(brokenFixtures)) {
    test(`${fixture} -> ${rule}`, () => {
      const findings = lintWorkflowFile(join(fixturesDir, fixture), npmScripts);
      const rules = [...new Set(findings.map((f) => f.rule))];
      assert.deepEqual(rules, [rule], describeFindings(findings));
    });
  }

  test('unparsable YAML -> parse (and nothing else is attempted)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-lint-'));
    try {
      const file = join(dir, 'broken.yml');
      writeFileSync(file, 'name: x\non: [push\njobs: {}\n');
      const findings = lintWorkflowFile(file, npmScripts);
      assert.deepEqual(
        findings.map((f) => f.rule),
        ['parse'],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('action-validator is really consulted: it rejects an unknown trigger, in-process and as a CLI', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-lint-'));
    try {
      const text = readFileSync(join(fixturesDir, 'clean.yml'), 'utf8').replace('on: push', 'on: pushh');
      const findings = checkSchema(text);
      assert.equal(findings.length, 1);
      assert.match(findings[0]?.message ?? '', /\/on/);
      const file = join(dir, 'bad-trigger.yml');
      writeFileSync(file, text);
      const cli = runActionValidatorCli(file);
      assert.equal(cli.status, 1);
      assert.match(cli.stderr, /"path": "\/on"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm script detection', () => {
  const workflow = (run: string) => ({ jobs: { j: { steps: [{ run }] } } });
  const known = new Set(['lint', 'test', 'spec:diff']);
  for (const [run, unknown] of [
    ['npm run lint && npm run -s spec:diff -- x.yaml', []],
    ['npm run --silent nope', ['nope']],
    ['npm run -s nope2 -- --flag', ['nope2']],
    ['npm run-script gone', ['gone']],
    ['npm start', ['start']],
    ['npm test && npm ci', []],
  ] as const) {
    test(`${run} -> ${unknown.length === 0 ? 'ok' : unknown.join(', ')}`, () => {
      const messages = checkNpmScripts(workflow(run), known).map((f) => f.message);
      assert.deepEqual(
        messages,
        unknown.map((name) => `npm run ${name}: no such script in package.json`),
      );
    });
  }
});

// How the workflows are wired (issue 17): which steps exist, in which order, with which inputs. Parsed from the YAML.
interface WfStep {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string | number | boolean>;
}
interface WfJob {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  concurrency?: { group?: string; 'cancel-in-progress'?: boolean | string };
  outputs?: Record<string, string>;
  steps?: WfStep[];
}
interface Wf {
  jobs: Record<string, WfJob>;
}

const workflow = (file: string): Wf => parse(readFileSync(join(workflowsDir, file), 'utf8')) as Wf;

function job(wf: Wf, id: string): WfJob {
  const j = wf.jobs[id];
  assert.ok(j, `no job ${id}`);
  return j;
}

/** Index of the first step matching `what` (a `run:` substring, a `uses:` action name, or a predicate); asserts it. */
function at(j: WfJob, what: string | ((s: WfStep) => boolean), label = String(what)): number {
  const steps = j.steps ?? [];
  const i = steps.findIndex((s) =>
    typeof what === 'function' ? what(s) : (s.run ?? '').includes(what) || (s.uses ?? '').startsWith(`${what}@`),
  );
  assert.ok(i >= 0, `no step ${label}`);
  return i;
}

function step(j: WfJob, what: string | ((s: WfStep) => boolean)): WfStep {
  return (j.steps ?? [])[at(j, what)] as WfStep;
}

function inOrder(j: WfJob, ...what: string[]): void {
  const idx = what.map((w) => at(j, w));
  assert.deepEqual(
    [...idx].sort((a, b) => a - b),
    idx,
    `steps out of order: ${what.map((w, k) => `${w}@${idx[k]}`).join(', ')}`,
  );
}

const runsUnlessCancelled = (s: WfStep): boolean => (s.if ?? '').includes('!cancelled()');

describe('workflow wiring: index, one site for all environments, job summary, PR baseline', () => {
  const ci = workflow('ci.yml');
  const nightly = workflow('nightly.yml');
  const release = workflow('release-gate.yml');

  test('every workflow builds the report index and the job summary after the gate, even when a step failed', () => {
    for (const [wf, jobId] of [
      [ci, 'gate'],
      [nightly, 'suite'],
      [release, 'gate'],
    ] as const) {
      const j = job(wf, jobId);
      inOrder(j, 'npm run review', 'npm run gate', 'npm run report:index', 'npm run report:summary');
      assert.ok(runsUnlessCancelled(step(j, 'npm run report:index')), `${jobId}: index if !cancelled()`);
      assert.ok(runsUnlessCancelled(step(j, 'npm run report:summary')), `${jobId}: summary if !cancelled()`);
      // The summary (and everything it reads) is in the uploaded reports.
      inOrder(j, 'npm run report:summary', 'actions/upload-artifact');
    }
  });

  test('the job summary has one writer (report:summary); no step appends gate.md by hand', () => {
    for (const file of ['ci.yml', 'nightly.yml', 'release-gate.yml']) {
      for (const [jobId, j] of Object.entries(workflow(file).jobs)) {
        for (const s of j.steps ?? []) {
          // The spec drift step writes its own section (it is not a report of the run).
          if (s.name === 'spec drift') continue;
          assert.doesNotMatch(s.run ?? '', /GITHUB_STEP_SUMMARY|gate\.md/, `${file} ${jobId} ${s.name ?? s.run}`);
        }
      }
    }
  });

  test('ci: the job summary shows both load runs; the local engine run stays out of the history', () => {
    const load = job(ci, 'load');
    const engine = step(load, (s) => (s.run ?? '').includes('--engine node'));
    const engineDir = engine.env?.['REPORTS_DIR'];
    assert.ok(engineDir && engineDir !== 'reports/output', 'the local engine run has its own REPORTS_DIR');
    assert.equal(step(load, (s) => (s.run ?? '').includes('--engine k6')).env?.['REPORTS_DIR'], undefined);
    const summary = step(job(ci, 'gate'), 'npm run report:summary').run ?? '';
    assert.match(summary, /--run reports\/output(\s|$)/);
    assert.ok(summary.includes(`--run ${engineDir}`), summary);
  });

  test('ci: a pull request compares with the latest passing run of main, restored read-only', () => {
    const load = job(ci, 'load');
    const find = step(load, 'gh run list');
    for (const flag of ['--workflow ci.yml', '--branch main', '--event push', '--status success', '--limit 1']) {
      assert.ok(find.run?.includes(flag), `gh run list ${flag}`);
    }
    const restore = step(load, (s) => (s.uses ?? '').startsWith('actions/download-artifact@'));
    assert.equal(restore.with?.['name'], 'ci-history');
    assert.equal(restore.with?.['run-id'], `\${{ steps.${find.id}.outputs.run-id }}`);
    assert.match(String(restore.with?.['path']), /^reports\/output\/history\/?$/);
    // Restored before the run that appends to it; the review (gate job) uses that history, no --baseline.
    assert.ok(
      at(load, 'gh run list') < at(load, (s) => s === restore, 'restore') &&
        at(load, (s) => s === restore, 'restore') < at(load, '--engine k6'),
    );
    assert.doesNotMatch(step(job(ci, 'gate'), 'npm run review').run ?? '', /--baseline/);
    // Read-only: the load job reads actions and nothing else; only a push to main uploads ci-history; no cache.
    assert.deepEqual(load.permissions, { contents: 'read', actions: 'read' });
    const uploads = Object.values(ci.jobs)
      .flatMap((j) => j.steps ?? [])
      .filter((s) => s.with?.['name'] === 'ci-history' && (s.uses ?? '').startsWith('actions/upload-artifact@'));
    assert.equal(uploads.length, 1);
    assert.match(uploads[0]?.if ?? '', /github\.event_name == 'push' && github\.ref == 'refs\/heads\/main'/);
    assert.doesNotMatch(readFileSync(join(workflowsDir, 'ci.yml'), 'utf8'), /actions\/cache/);
  });

  test('ci: the review table as ONE updated PR comment, opt-in, the only job that may write to the PR', () => {
    const pr = job(ci, 'pr-comment');
    assert.deepEqual(pr.permissions, { 'pull-requests': 'write' });
    assert.equal(pr.needs, 'gate');
    for (const cond of [
      "github.event_name == 'pull_request'",
      "vars.PR_REVIEW_COMMENT == 'true'",
      'github.event.pull_request.head.repo.full_name == github.repository',
    ]) {
      assert.ok(pr.if?.includes(cond), cond);
    }
    const download = step(pr, 'actions/download-artifact');
    assert.equal(download.with?.['name'], 'reports');
    const script = String(step(pr, 'actions/github-script').with?.['script']);
    assert.match(script, /reports\/output\/summary\/pr-comment\.md/);
    assert.match(script, /updateComment/);
    assert.match(script, /createComment/);
    for (const [id, j] of Object.entries(ci.jobs)) {
      if (id !== 'pr-comment') assert.notEqual(j.permissions?.['pull-requests'], 'write', id);
    }
  });

  test('nightly: one Pages site; the deploy restores it, adds this environment and deploys the whole', () => {
    const suite = job(nightly, 'suite');
    assert.ok(!(suite.steps ?? []).some((s) => (s.uses ?? '').startsWith('actions/upload-pages-artifact@')));
    const reports = step(suite, (s) => s.with?.['name'] === 'nightly-reports');
    assert.ok(reports.id, 'the reports upload has an id');
    assert.equal(suite.outputs?.['reports-artifact'], `\${{ steps.${reports.id}.outputs.artifact-id }}`);

    const publish = job(nightly, 'publish');
    assert.equal(publish.needs, 'suite');
    assert.match(publish.if ?? '', /needs\.suite\.outputs\.reports-artifact != ''/);
    assert.deepEqual(publish.concurrency, { group: 'pages', 'cancel-in-progress': false });
    assert.deepEqual(publish.permissions, { contents: 'read', pages: 'write', 'id-token': 'write' });
    assert.match(step(publish, 'npm ci').run ?? '', /--ignore-scripts/);
    inOrder(
      publish,
      'actions/configure-pages',
      'actions/download-artifact',
      'report:site -- restore',
      'report:site -- add',
      'actions/upload-pages-artifact',
      'actions/deploy-pages',
    );
    const pages = step(publish, 'actions/configure-pages');
    const restore = step(publish, 'report:site -- restore');
    assert.equal(restore.env?.['SITE_URL'], `\${{ steps.${pages.id}.outputs.base_url }}`);
    assert.match(restore.run ?? '', /--from "\$SITE_URL" --into "\$RUNNER_TEMP\/site"/);
    const download = step(publish, 'actions/download-artifact');
    assert.equal(download.with?.['name'], 'nightly-reports');
    const add = step(publish, 'report:site -- add').run ?? '';
    assert.match(add, /--env "\$TARGET_ENV"/);
    assert.ok(add.includes(`--from "$RUNNER_TEMP/run"`) && download.with?.['path'] === '${{ runner.temp }}/run');
    assert.match(add, /--into "\$RUNNER_TEMP\/site"/);
    assert.equal(step(publish, 'actions/upload-pages-artifact').with?.['path'], '${{ runner.temp }}/site');
  });

  test("nightly: each environment's history comes back from the site path the site tool writes", () => {
    const suite = job(nightly, 'suite');
    inOrder(suite, 'actions/cache/restore', `${siteFiles.history}/$TARGET_ENV.tar.gz`, 'npm run contract');
    inOrder(suite, 'npm run load', 'actions/cache/save');
    assert.equal(step(suite, 'actions/cache/save').with?.['path'], 'reports/output/history');
    // The release gate documents the same tarball as a baseline.
    assert.match(readFileSync(join(workflowsDir, 'release-gate.yml'), 'utf8'), /history\/<env>\.tar\.gz/);
  });

  test('contract JUnit: written by the contract run, uploaded with its reports, counted in the summary', () => {
    const contract = job(ci, 'contract');
    inOrder(contract, 'npm run contract', 'actions/upload-artifact');
    assert.equal(step(contract, 'actions/upload-artifact').with?.['path'], 'reports/output/');
    const gate = job(ci, 'gate');
    inOrder(gate, 'actions/download-artifact', 'npm run report:summary');
    assert.equal(step(gate, 'actions/download-artifact').with?.['pattern'], '*-reports');
  });
});
