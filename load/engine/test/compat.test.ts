// The compatibility suite (issue 19): small k6 scripts in the style of k6's documented examples (compat/scripts/),
// each against the loopback stand-in server (compat/server.ts) and each with its expected outcome in its own header:
//   // expect: exit=0 checks=3/0 http_reqs=2 iterations>=1 http_req_failed.rate=0
//   // expect-stdout: <regex>      // expect-stderr: <regex>
// checks=P/F are passes/fails; a bare metric means its count; .stat picks another value of the summary. The test
// prints one PASS/FAIL line per script and the count, and fails if any script does not hold.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EngineError } from '../src/errors.ts';
import { runTest } from '../src/run.ts';
import type { SummaryData } from '../src/summary.ts';
import { startCompatServer, type CompatServer } from './compat/server.ts';
import { fixturesDir } from './helpers.ts';

const dir = join(fixturesDir, '..', 'compat', 'scripts');
let server: CompatServer;
before(async () => (server = await startCompatServer()));
after(() => server.close());

interface Outcome {
  exit: number;
  summary: SummaryData | null;
  stdout: string;
  stderr: string;
}

async function run(file: string): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  try {
    const r = await runTest({
      script: join(dir, file),
      env: { BASE: server.base },
      cli: {},
      quiet: true,
      tags: {},
      offline: true,
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
    });
    return { exit: r.exitCode, summary: r.summary, stdout, stderr };
  } catch (e) {
    if (e instanceof EngineError) return { exit: e.exitCode, summary: null, stdout, stderr: `${stderr}${e.message}` };
    throw e;
  }
}

/** Every expectation of the script's header that does not hold, as text ([] = the script passes). */
export function judge(source: string, o: Outcome): string[] {
  const problems: string[] = [];
  const expects = [...source.matchAll(/^\/\/ expect: (.*)$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/));
  if (expects.length === 0) return ['no "// expect:" line'];
  for (const e of expects) {
    const m = /^([\w.()]+)(>=|<=|=)(.+)$/.exec(e);
    if (!m) {
      problems.push(`bad expectation "${e}"`);
      continue;
    }
    const [, key, op, want] = m as unknown as [string, string, string, string];
    let got: string | number | undefined;
    if (key === 'exit') got = o.exit;
    else if (key === 'checks') {
      const v = o.summary?.metrics['checks']?.values;
      got = `${v?.['passes'] ?? 0}/${v?.['fails'] ?? 0}`;
    } else {
      const [metric, stat] = key.split('.') as [string, string | undefined];
      got = o.summary?.metrics[metric]?.values[stat ?? 'count'];
    }
    const ok =
      op === '='
        ? String(got) === want
        : typeof got === 'number' && (op === '>=' ? got >= Number(want) : got <= Number(want));
    if (!ok) problems.push(`${key} ${op} ${want}, got ${String(got)}`);
  }
  for (const [stream, text] of [
    ['stdout', o.stdout],
    ['stderr', o.stderr],
  ] as const) {
    for (const m of source.matchAll(new RegExp(`^// expect-${stream}: (.*)$`, 'gm'))) {
      if (!new RegExp(m[1]!).test(text)) problems.push(`${stream} does not match /${m[1]}/`);
    }
  }
  return problems;
}

test('compatibility suite: every script behaves as k6 documents', async () => {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .sort();
  assert.ok(files.length >= 40, `at least 40 scripts (found ${files.length})`);
  const lines: string[] = [];
  const failed: string[] = [];
  for (const file of files) {
    const problems = judge(readFileSync(join(dir, file), 'utf8'), await run(file));
    lines.push(
      `${problems.length === 0 ? 'PASS' : 'FAIL'} ${file}${problems.length ? `: ${problems.join('; ')}` : ''}`,
    );
    if (problems.length > 0) failed.push(file);
  }
  lines.push(`compat: ${files.length - failed.length}/${files.length} scripts pass`);
  console.log(lines.join('\n'));
  assert.deepEqual(failed, [], lines.join('\n'));
});

test('the judge fails a script whose outcome differs from its header', () => {
  const o: Outcome = { exit: 99, summary: null, stdout: 'x', stderr: '' };
  assert.deepEqual(judge('// expect: exit=0\n', o), ['exit = 0, got 99']);
  assert.deepEqual(judge('// expect: exit=99\n// expect-stdout: y\n', o), ['stdout does not match /y/']);
  assert.deepEqual(judge('export default function () {}\n', o), ['no "// expect:" line']);
});
