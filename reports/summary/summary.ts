// The CI job summary and the pull-request comment, assembled from what the builders already wrote: the gate
// (gate.md, reports/gate), the contract run's JUnit counts (contract/junit.xml, Playwright's junit reporter), the
// performance review's headline (review/review.md up to its collapsed trend, reports/review) and each load run's
// summary.md (written by the k6 script's handleSummary, load/lib/summary.ts). Nothing is recomputed here, so the
// summary says exactly what the reports say. A missing part is named, never silently left out.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { latestLoadRun, type OutputPaths } from '../../core/layout.ts';

/** Marks the one pull-request comment this suite keeps updated. */
export const prCommentMarker = '<!-- vos-oms-login-suite: performance review -->';

/** GitHub refuses a step summary over 1 MiB; the assembled text is cut well below that, with a note. */
export const summaryLimitBytes = 900 * 1024;

export interface JunitCounts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  seconds: number;
  /** `suite › test` of each failing or erroring test case, in file order. */
  failed: string[];
}

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

function unescapeXml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
}

/** Counts and failing cases of a JUnit XML report (Playwright's or k6's); undefined when it has no <testsuites>. */
export function parseJunit(xml: string): JunitCounts | undefined {
  const root = /<testsuites\b[^>]*>/.exec(xml)?.[0];
  if (root === undefined) return undefined;
  const cases = [...xml.matchAll(/<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g)];
  const failed = cases
    .filter((m) => /<(failure|error)\b/.test(m[3] ?? ''))
    .map((m) => {
      const name = unescapeXml(attr(m[1] ?? '', 'name') ?? '?');
      const cls = attr(m[1] ?? '', 'classname');
      return cls ? `${unescapeXml(cls)} › ${name}` : name;
    });
  const num = (name: string, fallback: number): number => {
    const v = Number(attr(root, name));
    return Number.isFinite(v) ? v : fallback;
  };
  return {
    tests: num('tests', cases.length),
    failures: num('failures', 0),
    errors: num('errors', 0),
    skipped: num('skipped', cases.filter((m) => /<skipped\b/.test(m[3] ?? '')).length),
    seconds: num('time', 0),
    failed,
  };
}

/** Text for Markdown outside code: no raw HTML from a test title, no table breaks. */
function md(s: string): string {
  return s.replace(/</g, '&lt;').replace(/\|/g, '\\|');
}

export function contractSection(junitFile: string, maxFailures = 20): string {
  if (!existsSync(junitFile)) {
    return `### Contract tests\n\n_No contract results (${basename(junitFile)} missing): the contract run did not finish; see its step log._\n`;
  }
  const counts = parseJunit(readFileSync(junitFile, 'utf8'));
  if (counts === undefined) return `### Contract tests\n\n_${basename(junitFile)} is not a JUnit report._\n`;
  const bad = counts.failures + counts.errors;
  const passed = counts.tests - bad - counts.skipped;
  const lines = [
    `### ${bad === 0 ? '✅' : '❌'} Contract tests: ${passed} passed, ${bad} failed, ${counts.skipped} skipped (${counts.seconds.toFixed(1)} s)`,
    '',
  ];
  if (counts.failed.length > 0) {
    lines.push(...counts.failed.slice(0, maxFailures).map((f) => `- ❌ ${md(f)}`));
    if (counts.failed.length > maxFailures) lines.push(`- … and ${counts.failed.length - maxFailures} more`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/** The review's headline: its verdict, the run against the baseline, the comparison table and notes (not the trend). */
export function reviewHeadline(reviewMarkdown: string): string {
  const cut = reviewMarkdown.indexOf('<details>');
  return `${(cut < 0 ? reviewMarkdown : reviewMarkdown.slice(0, cut)).trimEnd()}\n`;
}

export function reviewSection(reviewMd: string): string {
  if (!existsSync(reviewMd)) {
    return '### Performance review\n\n_No review (review/review.md missing): no load run was reviewed; see the review step log._\n';
  }
  return reviewHeadline(readFileSync(reviewMd, 'utf8'));
}

/** The engine that ran a load run (its meta.json), so two runs of one job can be told apart. */
function engineOf(runDir: string): string | undefined {
  try {
    const meta = JSON.parse(readFileSync(join(runDir, 'meta.json'), 'utf8')) as { engine?: unknown };
    return typeof meta.engine === 'string' && meta.engine !== '' ? meta.engine : undefined;
  } catch {
    return undefined;
  }
}

export function loadSection(runDir: string): string {
  const summary = join(runDir, 'summary.md');
  if (existsSync(summary)) {
    const engine = engineOf(runDir);
    return `${readFileSync(summary, 'utf8').trimEnd()}\n${engine ? `\n_Engine: ${engine === 'node' ? 'the local engine' : engine}._\n` : ''}`;
  }
  if (!existsSync(runDir)) return `### Load\n\n_No load run at \`${runDir}\`: see the load step log._\n`;
  return `### Load run \`${basename(runDir)}\`\n\n_No summary.md: the run did not complete; see the load step log._\n`;
}

export function gateSection(gateMd: string): string {
  if (existsSync(gateMd)) return `${readFileSync(gateMd, 'utf8').trimEnd()}\n`;
  return '## Release gate: NO VERDICT\n\n_gate.md was not written: see the gate step log._\n';
}

/**
 * A load run argument: a run folder (it holds summary.json or meta.json), else a reports root whose latest run is
 * meant (`<root>/load/<run>`); undefined when neither.
 */
export function resolveRun(dir: string): string | undefined {
  if (existsSync(join(dir, 'summary.json')) || existsSync(join(dir, 'meta.json'))) return dir;
  return latestLoadRun(dir);
}

export interface SummaryInput {
  readonly paths: OutputPaths;
  /** Load run folders to show; default: the latest run under paths.root. */
  readonly runDirs?: readonly string[];
  /** A line under the gate, e.g. where the full reports are (artifact, Pages). */
  readonly footer?: string;
}

function cap(text: string): string {
  if (Buffer.byteLength(text) <= summaryLimitBytes) return text;
  const cut = Buffer.from(text)
    .subarray(0, summaryLimitBytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return `${cut}\n\n_… cut at ${Math.round(summaryLimitBytes / 1024)} KiB: see the reports artifact._\n`;
}

/** The job summary: gate, contract counts, performance review headline, each load run's summary. */
export function jobSummary(input: SummaryInput): string {
  const { paths } = input;
  const runs = input.runDirs ?? [latestLoadRun(paths.root)].filter((d): d is string => d !== undefined);
  const parts = [
    gateSection(paths.gateMd),
    contractSection(join(paths.contract, 'junit.xml')),
    reviewSection(join(paths.review, 'review.md')),
    ...(runs.length > 0 ? runs.map(loadSection) : ['### Load\n\n_No load run in this job._\n']),
  ];
  if (input.footer) parts.push(`${input.footer}\n`);
  return cap(parts.join('\n'));
}

/** The pull-request comment: the review table first (what a reviewer asks), then the gate and contract in one line. */
export function prComment(input: SummaryInput): string {
  const { paths } = input;
  const gate = existsSync(paths.gateJson)
    ? ((JSON.parse(readFileSync(paths.gateJson, 'utf8')) as { verdict?: unknown }).verdict ?? 'none')
    : 'none';
  const junit = join(paths.contract, 'junit.xml');
  const counts = existsSync(junit) ? parseJunit(readFileSync(junit, 'utf8')) : undefined;
  const contract = counts
    ? `${counts.tests - counts.failures - counts.errors - counts.skipped}/${counts.tests} contract tests passed`
    : 'no contract results';
  const lines = [
    prCommentMarker,
    reviewSection(join(paths.review, 'review.md')).trimEnd(),
    '',
    `Release gate: **${String(gate).toUpperCase()}** · ${contract}.${input.footer ? ` ${input.footer}` : ''}`,
    '',
  ];
  return cap(lines.join('\n'));
}
