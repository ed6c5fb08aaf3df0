// `npm run docs:robustness [-- FILE]`: runs the bad-input table (cli/test/fixtures/robustness/cases.ts, the rows
// cli/test/robustness.test.ts checks) and writes it as markdown (default docs/robustness.md): input, command, the
// line it printed, exit code, and whether the row holds, from real output, never typed by hand.
import { resolve } from 'node:path';
import { parseCommandLine } from '../core/args.ts';
import { writeFileAtomic } from '../core/files.ts';
import { runMain } from '../core/main.ts';
import { badInputs, makeWorkspace, runAll } from './test/fixtures/robustness/cases.ts';

runMain('docs:robustness', async () => {
  const { positionals } = parseCommandLine(
    process.argv.slice(2),
    { allowPositionals: true },
    { usage: 'usage: npm run docs:robustness -- [FILE.md]   (default docs/robustness.md)' },
  );
  const out = positionals[0] ?? 'docs/robustness.md';
  const ws = await makeWorkspace();
  const started = Date.now();
  let outcomes;
  try {
    outcomes = await runAll(badInputs, ws, 6);
  } finally {
    await ws.close();
  }
  const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll(ws.dir, '$TMP').replace(/\s+/g, ' ').trim();
  const rows = badInputs.map((c, i) => {
    const o = outcomes.get(c.id)!;
    // Several lines: show the one naming the mistake, and how many others came with it.
    const main = o.lines.find((l) => c.names.test(l)) ?? o.lines[0] ?? '';
    const printed = o.lines.length === 1 ? main : `${main} (+${o.lines.length - 1} other lines)`;
    const holds = o.problems.length === 0;
    const verdict = holds
      ? 'pass'
      : `**fails**: ${o.problems.join('; ')}${c.knownIssue ? ` — owner: ${c.knownIssue}` : ''}`;
    return `| ${i + 1} | ${cell(c.input)} | \`${cell(o.command)}\` | \`${cell(printed)}\` | ${o.code} | ${cell(verdict)} |`;
  });
  const passed = badInputs.filter((c) => outcomes.get(c.id)!.problems.length === 0).length;
  const md = `# Robustness: bad input gives one clear line

Every row is a mistake made at 2 a.m., run as the real command by \`cli/test/robustness.test.ts\` (rows in
\`cli/test/fixtures/robustness/cases.ts\`; \`$TMP\` is a scratch folder holding the bad files and \`REPORTS_DIR\`). A row
holds when the command exits non-zero, prints exactly one non-empty line that names the mistake, shows no stack trace,
echoes no secret, and leaves no run folder, summary, meta or report behind as if the run had been valid. Rows marked
**fails** are open defects in the named owner's code (the test marks them todo until fixed).

Regenerate: \`npm run docs:robustness\`
(last run ${new Date(started).toISOString()}, ${((Date.now() - started) / 1000).toFixed(0)} s: ${passed}/${badInputs.length} rows hold).

| # | input | command | the line it prints | exit | holds? |
|---|---|---|---|---|---|
${rows.join('\n')}
`;
  const path = resolve(out);
  writeFileAtomic(path, md);
  console.log(`robustness table: ${passed}/${badInputs.length} rows hold; wrote ${path}`);
  return 0;
});
