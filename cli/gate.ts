// `npm run gate -- [--run DIR] [--baseline FILE|auto] [--require-baseline]`: one release verdict (reports/gate/gate.ts)
// written to $REPORTS_DIR/gate.json and gate.md; exit 0 pass, 1 fail, 2 bad usage.
import { outputPaths } from '../core/layout.ts';
import { runMain } from '../core/main.ts';
import { evaluateGate, parseGateArgs, writeGate } from '../reports/gate/gate.ts';

runMain('gate', async () => {
  const options = parseGateArgs(process.argv.slice(2));
  const paths = outputPaths();
  const gate = await evaluateGate({ ...options, paths });
  writeGate(gate, paths);
  for (const c of gate.checks) console.log(`${c.status.toUpperCase().padEnd(4)} ${c.name}: ${c.detail}`);
  console.log(`gate: ${gate.verdict.toUpperCase()} (${paths.gateJson})`);
  return gate.verdict === 'pass' ? 0 : 1;
});
