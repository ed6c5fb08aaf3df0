// Maps stack frames of the bundled script back to the user's .ts files (esbuild source map), so a script error names
// the file and line the user wrote.
import { SourceMap } from 'node:module';
import { relative } from 'node:path';

let cached: { raw: string; map: SourceMap } | undefined;

export function mapStack(stack: string, sourceMapJson: string, scriptPath: string): string {
  if (sourceMapJson === '') return stack;
  if (cached?.raw !== sourceMapJson) {
    cached = {
      raw: sourceMapJson,
      map: new SourceMap(JSON.parse(sourceMapJson) as ConstructorParameters<typeof SourceMap>[0]),
    };
  }
  const map = cached.map;
  const lines = stack
    .split('\n')
    .filter((l) => !l.includes('k6-runtime.js') && !l.includes('node:') && !/vu-thread|\[worker eval\]/.test(l))
    .map((line) =>
      line.replace(/k6-script-bundle\.js:(\d+):(\d+)/g, (whole, l: string, c: string) => {
        const entry = map.findEntry(Number(l) - 1, Number(c) - 1) as {
          originalSource?: string;
          originalLine?: number;
          originalColumn?: number;
        };
        if (entry.originalSource === undefined || entry.originalLine === undefined) return whole;
        const src = entry.originalSource.replace(/^file:\/\//, '');
        return `${relative(process.cwd(), src) || scriptPath}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
      }),
    );
  return lines.join('\n');
}

/** A mapped stack as one line for the terminal: `Name: message — thrown in file.ts:LINE`, the user's error and
 * where it came from, without a trace (init-context errors are usually bad input the script rejected). */
export function oneLine(stack: string): string {
  const lines = stack.split('\n');
  const head = (lines[0] ?? '').trim();
  const frames = lines.slice(1).filter((l) => /^\s*at /.test(l));
  const place = frames
    .map((f) => /([^\s()]+\.(?:ts|js)):(\d+):\d+\)?\s*$/.exec(f))
    .find((m) => m !== null && !m[1]?.includes('k6-runtime'));
  return place ? `${head} — thrown in ${place[1]}:${place[2]}` : head;
}
