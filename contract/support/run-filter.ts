// Whether this Playwright run is the whole suite (or the @smoke selection, which is built to cover every documented
// response): only then is the coverage gate meaningful. Read from the command line, where Playwright's filters live.

// Options of `playwright test` that take a value (so the next argument is not a file filter).
const valued = new Set([
  '-c',
  '--config',
  '-g',
  '--grep',
  '--grep-invert',
  '--project',
  '-j',
  '--workers',
  '--repeat-each',
  '--retries',
  '--reporter',
  '--timeout',
  '--global-timeout',
  '--max-failures',
  '--output',
  '--shard',
  '--trace',
  '--tsconfig',
  '--test-list',
  '--test-list-invert',
  '--browser',
  '--update-source-method',
]);
const filtering = new Set([
  '--grep-invert',
  '--project',
  '--shard',
  '--test-list',
  '--test-list-invert',
  '--last-failed',
  '--only-changed',
  '--no-deps',
]);

export interface RunFilter {
  readonly complete: boolean;
  /** Why the run is partial (for the report). */
  readonly reason: string | undefined;
}

export function runFilter(argv: readonly string[] = process.argv): RunFilter {
  const start = argv.indexOf('test');
  const args = start >= 0 ? argv.slice(start + 1) : [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const [name, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    if (name === '-g' || name === '--grep') {
      const value = inline ?? args[i + 1];
      if (value !== '@smoke') return { complete: false, reason: `--grep ${value ?? ''}` };
    } else if (filtering.has(name)) {
      return { complete: false, reason: name };
    } else if (!name.startsWith('-')) {
      return { complete: false, reason: `file filter ${name}` };
    }
    if (valued.has(name) && inline === undefined) i++;
  }
  return { complete: true, reason: undefined };
}
