// Loads a k6 script the way k6 does: ES modules, types stripped (esbuild), relative imports with explicit extensions,
// and only k6's own modules as bare imports. Also builds the engine's own thread code (worker + sandbox runtime) so
// workers start without ts-node.
import { existsSync } from 'node:fs';
import { dirname, extname, relative, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Message, type Plugin } from 'esbuild';
import { scriptError } from './errors.ts';
import { isRemoteSpecifier, loadRemoteModule, remoteCacheDir, type RemoteSettings } from './remote-modules.ts';
import { esmToAsyncModuleBody } from './top-level-await.ts';

export const ALLOWED_MODULES = [
  'k6',
  'k6/http',
  'k6/html',
  'k6/metrics',
  'k6/data',
  'k6/execution',
  'k6/encoding',
  'k6/crypto',
  'k6/timers',
  'k6/experimental/fs',
  'k6/experimental/csv',
];

export interface ScriptBundle {
  code: string;
  sourceMap: string;
  path: string;
}

const here = dirname(fileURLToPath(import.meta.url));

function k6Resolver(remote: RemoteSettings): Plugin {
  return {
    name: 'k6-imports',
    setup(b) {
      // Remote modules (remote-modules.ts) live in their own namespace; their relative imports resolve by URL.
      b.onLoad({ filter: /.*/, namespace: 'remote' }, async (args) => {
        try {
          return { contents: await loadRemoteModule(args.path, remote), loader: 'js' };
        } catch (e) {
          return { errors: [{ text: (e as Error).message }] };
        }
      });
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        const spec = args.path;
        if (ALLOWED_MODULES.includes(spec)) return { path: spec, external: true };
        if (isRemoteSpecifier(spec)) return { path: spec, namespace: 'remote' };
        if (args.namespace === 'remote' && /^\.{0,2}\//.test(spec)) {
          return { path: new URL(spec, args.importer).href, namespace: 'remote' };
        }
        const where = args.importer ? relative(process.cwd(), args.importer) : '?';
        if (spec.startsWith('./') || spec.startsWith('../') || spec.startsWith('/')) {
          const ext = extname(spec);
          if (!['.ts', '.js', '.mjs', '.cjs'].includes(ext)) {
            const why =
              ext === '.json'
                ? 'k6 cannot import JSON: use JSON.parse(open(path))'
                : 'add the explicit .ts or .js extension, as k6 requires';
            return { errors: [{ text: `import "${spec}" in ${where}: ${why}` }] };
          }
          const full = resolve(args.resolveDir, spec);
          if (!existsSync(full)) return { errors: [{ text: `import "${spec}" in ${where}: file ${full} not found` }] };
          return { path: full };
        }
        return {
          errors: [
            {
              text:
                `import "${spec}" is not available: k6 scripts may import only ` +
                `${ALLOWED_MODULES.join(', ')}, relative files and https:// modules (no npm or node: modules)`,
            },
          ],
        };
      });
    },
  };
}

function firstError(errors: Message[]): string {
  const e = errors[0];
  if (!e) return 'unknown build error';
  const loc = e.location
    ? `${relative(process.cwd(), e.location.file)}:${e.location.line}:${e.location.column + 1}: `
    : '';
  return `${loc}${e.text}`;
}

const TLA_IN_CJS = /Top-level await is currently not supported with the "cjs" output format/;

export interface BundleSettings {
  /** Remote modules from the cache only (--offline). */
  offline?: boolean;
}

export async function bundleScript(scriptPath: string, settings: BundleSettings = {}): Promise<ScriptBundle> {
  const remote = { offline: settings.offline === true, cacheDir: remoteCacheDir() };
  const path = resolve(scriptPath);
  if (!existsSync(path)) throw scriptError(`script ${scriptPath} not found: pass the path of a k6 script (.ts or .js)`);
  const build1 = (format: 'cjs' | 'esm') =>
    build({
      entryPoints: [path],
      bundle: true,
      write: false,
      format,
      platform: 'neutral',
      target: 'es2022',
      sourcemap: 'external',
      outfile: 'k6-script-bundle.js',
      logLevel: 'silent',
      plugins: [k6Resolver(remote)],
      loader: { '.ts': 'ts', '.js': 'js', '.mjs': 'js', '.cjs': 'js' },
    });
  const output = (result: Awaited<ReturnType<typeof build1>>) => ({
    code: (result.outputFiles.find((f) => f.path.endsWith('.js'))?.text ?? '').replace(
      /\/\/# sourceMappingURL=.*$/m,
      '',
    ),
    map: result.outputFiles.find((f) => f.path.endsWith('.map'))?.text ?? '',
  });
  try {
    let out;
    try {
      out = output(await build1('cjs'));
    } catch (e) {
      const errors = (e as { errors?: Message[] }).errors;
      if (!errors?.some((m) => TLA_IN_CJS.test(m.text))) throw e;
      // Top-level await: an ES module bundle, made into an async module function (top-level-await.ts).
      const esm = output(await build1('esm'));
      out = { code: esmToAsyncModuleBody(esm.code), map: esm.map };
    }
    return { code: out.code, sourceMap: out.map, path };
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    throw scriptError(errors ? firstError(errors) : (e as Error).message);
  }
}

async function bundleInternal(entry: string, format: 'cjs' | 'iife'): Promise<string> {
  const result = await build({
    // QuickJS's Emscripten glue is an ES module that reads import.meta.url (for createRequire): bundled into a CJS
    // worker it needs a real file URL, so it gets its own file's.
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(quickJsGluePath()).href) },
    entryPoints: [resolve(here, entry)],
    bundle: true,
    write: false,
    format,
    platform: format === 'cjs' ? 'node' : 'neutral',
    target: 'es2022',
    // The sandbox runtime: `undefined` becomes `void 0` (a global lookup less, see runtime.ts); names stay readable.
    minifySyntax: format === 'iife',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

function quickJsGluePath(): string {
  return createRequire(import.meta.url).resolve('@jitl/quickjs-wasmfile-release-asyncify');
}

/**
 * The HTML parser and selector engine (vu/html/, htmlparser2 + css-select), apart from the runtime: a VU evaluates it
 * on its first res.html() (vu/html/loader.ts), so scripts that never read HTML never parse it. Fully minified (its
 * names need not be readable: it is mostly third-party code); an IIFE assigning `var __k6Html`.
 */
async function bundleHtml(): Promise<string> {
  const result = await build({
    entryPoints: [resolve(here, 'vu/html/index.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: '__k6Html',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

export interface EngineCode {
  vuThread: string;
  ioThread: string;
  runtime: string;
  /** The HTML parser and selector engine, evaluated by a VU on its first res.html() (see bundleHtml). */
  html: string;
  /** The second design's host thread (qjs/host-thread.ts): '' unless that design runs. */
  hostThread: string;
}

const engineCode = new Map<string, Promise<EngineCode>>();

/** The worker and sandbox code of one design, built once per process (tens of ms). */
export function loadEngineCode(design: 'threads' | 'qjs' = 'threads'): Promise<EngineCode> {
  let code = engineCode.get(design);
  if (code === undefined) {
    code = Promise.all([
      bundleInternal('vu/vu-thread.ts', 'cjs'),
      bundleInternal('io/io-thread.ts', 'cjs'),
      bundleInternal('vu/runtime.ts', 'iife'),
      bundleHtml(),
      design === 'qjs' ? bundleInternal('qjs/host-thread.ts', 'cjs') : Promise.resolve(''),
    ]).then(([vuThread, ioThread, runtime, html, hostThread]) => ({ vuThread, ioThread, runtime, html, hostThread }));
    engineCode.set(design, code);
  }
  return code;
}
