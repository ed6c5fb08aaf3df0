// Hygiene checks for GitHub Actions workflows, one named function per rule, so the test can run them on the real
// workflows and show each one failing on a deliberately broken fixture.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';

export interface Finding {
  readonly rule: RuleId;
  readonly where: string;
  readonly message: string;
}

export type RuleId =
  | 'parse'
  | 'schema'
  | 'permissions'
  | 'pinned-action'
  | 'version-comment'
  | 'npm-script'
  | 'persist-credentials'
  | 'shell-injection'
  | 'timeout'
  | 'concurrency'
  | 'k6-usage-report'
  | 'artifact-upload';

/** What the checks see: the parsed workflow, its raw text (for comments) and the declared npm scripts. */
export interface WorkflowInput {
  readonly file: string;
  readonly text: string;
  readonly npmScripts: ReadonlySet<string>;
}

type Json = unknown;
type Obj = Record<string, Json>;

const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const asObj = (v: Json): Obj => (isObj(v) ? v : {});
const asArray = (v: Json): Json[] => (Array.isArray(v) ? v : []);

interface Step {
  readonly where: string;
  readonly step: Obj;
}

function jobsOf(wf: Obj): [string, Obj][] {
  return Object.entries(asObj(wf['jobs'])).map(([id, job]) => [id, asObj(job)]);
}

function stepsOf(wf: Obj): Step[] {
  return jobsOf(wf).flatMap(([id, job]) =>
    asArray(job['steps']).map((step, i) => {
      const s = asObj(step);
      const name = typeof s['name'] === 'string' ? ` (${s['name']})` : '';
      return { where: `jobs.${id}.steps[${i}]${name}`, step: s };
    }),
  );
}

/** Every `uses:` reference: steps' actions and jobs calling reusable workflows. */
function usesOf(wf: Obj): { where: string; uses: string }[] {
  const fromJobs = jobsOf(wf)
    .filter(([, job]) => typeof job['uses'] === 'string')
    .map(([id, job]) => ({ where: `jobs.${id}`, uses: job['uses'] as string }));
  const fromSteps = stepsOf(wf)
    .filter(({ step }) => typeof step['uses'] === 'string')
    .map(({ where, step }) => ({ where, uses: step['uses'] as string }));
  return [...fromJobs, ...fromSteps];
}

function runsOf(wf: Obj): { where: string; run: string }[] {
  return stepsOf(wf)
    .filter(({ step }) => typeof step['run'] === 'string')
    .map(({ where, step }) => ({ where, run: step['run'] as string }));
}

/** The workflow file must be valid YAML whose root is a mapping. */
export function checkParse(input: WorkflowInput): { findings: Finding[]; workflow: Obj | undefined } {
  const doc = parseDocument(input.text, { prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    return {
      findings: [{ rule: 'parse', where: input.file, message: first.message.split('\n')[0] ?? '' }],
      workflow: undefined,
    };
  }
  const value: Json = doc.toJS();
  if (!isObj(value)) {
    return { findings: [{ rule: 'parse', where: input.file, message: 'root is not a mapping' }], workflow: undefined };
  }
  return { findings: [], workflow: value };
}

const require = createRequire(import.meta.url);

interface SchemaError {
  readonly path?: string;
  readonly title: string;
  readonly detail?: string;
  readonly states?: { errors: SchemaError[] }[];
}
/** The engine of the `action-validator` CLI (same package family, same schema), loaded in-process: fast. */
const actionValidator = require('@action-validator/core') as {
  validateWorkflow(src: string): { errors: SchemaError[] };
};
export const actionValidatorCli = join(dirname(require.resolve('@action-validator/cli/package.json')), 'cli.mjs');

/** Innermost details first: "Additional property 'runs-onn' is not allowed" says more than "OneOf not met". */
function describeSchemaError(e: SchemaError): string {
  const inner = (e.states ?? []).flatMap((s) => s.errors).find((x) => x.detail !== undefined);
  return `${e.path ?? '/'}: ${inner?.detail ?? e.detail ?? e.title}`;
}

/** GitHub's workflow schema, checked by action-validator (the test also runs its CLI on the real workflows). */
export function checkSchema(text: string): Finding[] {
  const { errors } = actionValidator.validateWorkflow(text);
  return errors.length === 0
    ? []
    : [
        {
          rule: 'schema',
          where: 'workflow',
          message: `action-validator: ${errors.map(describeSchemaError).join('; ')}`,
        },
      ];
}

/** Runs the `action-validator` CLI itself: exit 0 when valid, 1 with JSON errors on stderr otherwise. */
export function runActionValidatorCli(file: string): { status: number | null; stderr: string } {
  // The CLI picks the action schema for names ending in action.yml; a workflow file is always checked as a workflow.
  let target = file;
  let tempDir: string | undefined;
  if (/action\.ya?ml$/.test(basename(file))) {
    tempDir = mkdtempSync(join(tmpdir(), 'wf-schema-'));
    target = join(tempDir, 'workflow.yml');
    copyFileSync(file, target);
  }
  const result = spawnSync(process.execPath, [actionValidatorCli, target], { encoding: 'utf8', timeout: 60_000 });
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  return { status: result.status, stderr: result.stderr };
}

/** Least privilege starts at the top: the workflow must declare `permissions` (jobs raise them where needed). */
export function checkPermissions(wf: Obj): Finding[] {
  return 'permissions' in wf
    ? []
    : [
        {
          rule: 'permissions',
          where: 'permissions',
          message: 'no top-level permissions: add `permissions: {}` or read-only scopes',
        },
      ];
}

const pinnedRef = /^[^@\s]+@[0-9a-f]{40}$/;
const versionComment = /#\s*v?\d+(\.\d+){0,2}\b/;

/**
 * Third-party actions and reusable workflows are pinned by full commit SHA (tags can be moved), and the line carries
 * a `# vX.Y.Z` comment so people and update bots know which release it is. Local `./` references are exempt.
 */
export function checkPinnedActions(wf: Obj, text: string): Finding[] {
  const lines = text.split('\n');
  return usesOf(wf).flatMap(({ where, uses }): Finding[] => {
    if (uses.startsWith('./')) return [];
    if (uses.startsWith('docker://')) {
      return /@sha256:[0-9a-f]{64}$/.test(uses)
        ? []
        : [{ rule: 'pinned-action', where, message: `${uses} is not pinned by digest` }];
    }
    if (!pinnedRef.test(uses)) {
      return [{ rule: 'pinned-action', where, message: `${uses} is not pinned to a 40-hex commit SHA` }];
    }
    const usesLines = lines.filter((line) => new RegExp(`uses:\\s*['"]?${escapeRegExp(uses)}['"]?(\\s|$)`).test(line));
    return usesLines.length > 0 && usesLines.every((line) => versionComment.test(line))
      ? []
      : [{ rule: 'version-comment', where, message: `${uses} has no \`# vX.Y.Z\` comment on its line` }];
  });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// `npm run [flags] NAME`, `npm run-script NAME`, and the lifecycle shorthands `npm test|start|stop|restart`.
const npmRun = /\bnpm\s+(?:(?:run|run-script)\s+(?:-{1,2}\S+\s+)*([A-Za-z0-9:_.-]+)|(test|start|stop|restart)\b)/g;

/** Workflows stay thin: every `npm run X` they call must be declared in package.json. */
export function checkNpmScripts(wf: Obj, npmScripts: ReadonlySet<string>): Finding[] {
  return runsOf(wf).flatMap(({ where, run }) =>
    [...run.matchAll(npmRun)]
      .map((m) => m[1] ?? m[2] ?? '')
      .filter((name) => !npmScripts.has(name))
      .map((name) => ({
        rule: 'npm-script' as const,
        where,
        message: `npm run ${name}: no such script in package.json`,
      })),
  );
}

/** actions/checkout must not leave the token in .git/config for later steps to read. */
export function checkPersistCredentials(wf: Obj): Finding[] {
  return stepsOf(wf)
    .filter(({ step }) => typeof step['uses'] === 'string' && (step['uses'] as string).startsWith('actions/checkout@'))
    .filter(({ step }) => String(asObj(step['with'])['persist-credentials']) !== 'false')
    .map(({ where }) => ({
      rule: 'persist-credentials' as const,
      where,
      message: 'checkout without `persist-credentials: false`',
    }));
}

// Contexts an outsider (or a dispatcher) controls, or secrets: expanded into a script they become shell code or
// leak into the process list. They must reach `run:` through `env:` instead.
const unsafeExpression = /\$\{\{[^}]*\b(inputs\.|github\.event\.|github\.head_ref|secrets\.)[^}]*\}\}/;

/** No `${{ inputs.* }}`, `${{ github.event.* }}`, `${{ github.head_ref }}` or `${{ secrets.* }}` inside `run:`. */
export function checkShellInjection(wf: Obj): Finding[] {
  return runsOf(wf)
    .filter(({ run }) => unsafeExpression.test(run))
    .map(({ where, run }) => ({
      rule: 'shell-injection' as const,
      where,
      message: `run: interpolates ${unsafeExpression.exec(run)?.[0] ?? 'an expression'}; pass it through env:`,
    }));
}

/** Every job that runs steps has a `timeout-minutes` (GitHub's default is 6 hours). */
export function checkTimeouts(wf: Obj): Finding[] {
  return jobsOf(wf)
    .filter(([, job]) => 'steps' in job && !('timeout-minutes' in job))
    .map(([id]) => ({ rule: 'timeout' as const, where: `jobs.${id}`, message: 'no timeout-minutes' }));
}

/** A `concurrency` group at the top or on every job, so superseded runs do not pile up. */
export function checkConcurrency(wf: Obj): Finding[] {
  if ('concurrency' in wf) return [];
  return jobsOf(wf)
    .filter(([, job]) => !('concurrency' in job))
    .map(([id]) => ({
      rule: 'concurrency' as const,
      where: `jobs.${id}`,
      message: 'no concurrency group (workflow or job)',
    }));
}

/** Workflows that run load set K6_NO_USAGE_REPORT=true at the top, so k6 never phones home. */
export function checkK6UsageReport(wf: Obj, text: string): Finding[] {
  const runsLoad = /npm run (load|k6)\b|setup-k6-action/.test(text);
  if (!runsLoad) return [];
  return String(asObj(wf['env'])['K6_NO_USAGE_REPORT']) === 'true'
    ? []
    : [
        {
          rule: 'k6-usage-report',
          where: 'env',
          message: 'runs load but top-level env lacks K6_NO_USAGE_REPORT: true',
        },
      ];
}

/**
 * Reports matter most when a step failed: every actions/upload-artifact step runs unless the run was cancelled
 * (`if: ${{ !cancelled() }}`, possibly with more conditions).
 */
export function checkArtifactUploads(wf: Obj): Finding[] {
  return stepsOf(wf)
    .filter(({ step }) => typeof step['uses'] === 'string' && step['uses'].startsWith('actions/upload-artifact@'))
    .filter(({ step }) => !String(step['if'] ?? '').includes('!cancelled()'))
    .map(({ where }) => ({
      rule: 'artifact-upload' as const,
      where,
      message: 'upload-artifact without `if: ${{ !cancelled() }}`: a failed step would skip the reports',
    }));
}

/** All rules on one workflow text. */
export function lintWorkflow(input: WorkflowInput): Finding[] {
  const { findings, workflow } = checkParse(input);
  if (!workflow) return findings;
  return [
    ...checkSchema(input.text),
    ...checkPermissions(workflow),
    ...checkPinnedActions(workflow, input.text),
    ...checkNpmScripts(workflow, input.npmScripts),
    ...checkPersistCredentials(workflow),
    ...checkShellInjection(workflow),
    ...checkTimeouts(workflow),
    ...checkConcurrency(workflow),
    ...checkK6UsageReport(workflow, input.text),
    ...checkArtifactUploads(workflow),
  ];
}

export function readNpmScripts(packageJsonPath: string): Set<string> {
  const pkg = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { scripts?: Record<string, string> };
  return new Set(Object.keys(pkg.scripts ?? {}));
}

export function lintWorkflowFile(file: string, npmScripts: ReadonlySet<string>): Finding[] {
  return lintWorkflow({ file, text: readFileSync(file, 'utf8'), npmScripts });
}

// Direct use: `node --import ./cli/ts-register.js .github/test/lint-workflows.ts <workflow.yml>...`
// prints one line per finding and exits 1 when there is any.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: node --import ./cli/ts-register.js .github/test/lint-workflows.ts <workflow.yml>...');
    process.exit(2);
  }
  const scripts = readNpmScripts('package.json');
  let total = 0;
  for (const file of files) {
    const findings = lintWorkflowFile(file, scripts);
    total += findings.length;
    for (const f of findings) console.log(`${file}: ${f.rule} @ ${f.where}: ${f.message}`);
    if (findings.length === 0) console.log(`${file}: ok`);
  }
  process.exitCode = total > 0 ? 1 : 0;
}
