// Child process of the report benchmark: builds one load report and prints its own figures as one JSON line, so
// peak memory is this build's alone (plus the runtime's baseline, measured separately with --baseline).
import { buildLoadReport } from '../../reports/load-report/build.ts';

const dir = process.argv[2];
if (process.argv.includes('--baseline') || dir === undefined) {
  console.log(JSON.stringify({ ms: 0, maxRssKb: process.resourceUsage().maxRSS }));
} else {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const { analysis } = await buildLoadReport([dir], undefined, { objectives: null });
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  console.log(
    JSON.stringify({
      ms,
      cpuMs,
      maxRssKb: process.resourceUsage().maxRSS,
      lines: analysis.stream.lines,
      requests: analysis.global.count,
    }),
  );
}
