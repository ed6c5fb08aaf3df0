// The real workflows pass every hygiene rule; each rule is shown to fail on a fixture that breaks exactly that rule.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
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
