// Layers import one way (docs: DESIGN "Layers import one way"): config/ at the bottom, core/ above it, the parts above
// that, cli/ (thin entries) and the root's tool configs on top. Every relative import of every .ts/.js file in the
// repository is parsed (static, dynamic, `import type`, `export ... from`) and judged against the rules below; the
// folder graph is printed (as test diagnostics) so a reviewer sees which folders import which.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { repoRoot } from '../../config/index.ts';
import { k6SafeCore } from '../k6-safe.ts';

/** The parts: each may import config/, core/ and itself, and another part only through an edge listed below. */
const parts = ['contract', 'load', 'reference', 'reports', 'tools', 'bench', '.github'] as const;

/** Files at the repository root: tool configs found by their tools (playwright.config.ts, allurerc.ts, eslint). */
const root = '(root)';

/**
 * Every import from one part into another, as data: [importing part, imported path prefix, why]. A new cross-part
 * import fails the test until it is listed here with its reason (or moved below the parts, into core/).
 */
const allowedCrossPart: readonly (readonly [from: string, to: string, why: string])[] = [
  ['contract', 'reference/defects.ts', 'the self-test runs the suite against each defect of the catalog'],
  ['contract', 'reference/multiplex.ts', 'the self-test serves every defect from one multiplexing reference'],
  ['contract', 'reference/launch.ts', 'the default target is the reference (global setup, selftest:deployments)'],
  ['contract', 'load/lib/url.ts', 'base URL + path has one owner, pure so the k6 script shares it'],
  ['contract', 'load/lib/login-contract.ts', 'a test holds the load-side body checks to the contract validator'],
  ['contract', 'reference/test/support.ts', 'that test feeds both the responses of the in-process reference'],
  ['contract', 'reference/accounts.ts', "that test logs in with the reference's seeded probe account"],
  ['load', 'reference/launch.ts', 'npm run load starts the reference as its default target (load/runner)'],
  ['load', 'contract/support/http.ts', "the load command's readiness probe sends like k6 (proxy, CA) through it"],
  ['reference', 'contract/clauses.ts', 'each defect names the contract clauses it breaks (one vocabulary)'],
  ['reports', 'load/lib/', 'the k6 result format (summary, meta, thresholds, percentile, SLOs) is owned by load/lib'],
  ['reports', 'contract/allure-categories.ts', 'the Allure categories have one owner, next to the clauses'],
  ['tools', 'contract/validator/spec.ts', 'spec:diff loads OpenAPI documents through the one loader'],
  [
    '.github',
    'reports/index/site.ts',
    "the workflow tests hold the workflows to the Pages site's file names (siteFiles)",
  ],
  ['bench', 'contract/', 'benchmarks measure the parts end to end (validator, spec)'],
  ['bench', 'load/', 'benchmarks measure the parts end to end (engine, k6 format)'],
  ['bench', 'reference/', 'benchmarks measure the parts end to end (reference, identity)'],
  ['bench', 'reports/', 'benchmarks measure the parts end to end (report builders, gate)'],
];

/** Imports of the root's tool configs from below: each a test that holds the config to what the part does. */
const allowedIntoRoot: readonly (readonly [from: string, to: string, why: string])[] = [
  ['contract/test/', 'playwright.config.ts', 'the root Playwright config is the contract config (root-config test)'],
  ['reports/test/', 'allurerc.ts', 'the root Allure config is the one report:allure uses (allure-config test)'],
];

/** The k6 side of load/: k6 runs these, so they import k6 modules, each other, and core's k6-safe files (no Node). */
const k6Side = ['load/lib/', 'load/scenarios/'];
const k6SideMayImport = ['load/lib/', 'load/scenarios/', ...k6SafeCore];

interface Edge {
  readonly from: string; // repository-relative file
  readonly to: string; // repository-relative resolved path, or the bare specifier for packages and node: modules
  readonly bare: boolean;
}

const skipDirs = new Set(['node_modules', '.git', 'output', 'test-results', 'playwright-report']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return skipDirs.has(entry.name) ? [] : sourceFiles(path);
    return /\.(ts|mts|js|mjs|cjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function importEdges(rootDir: string): Edge[] {
  return sourceFiles(rootDir).flatMap((file) => {
    const from = relative(rootDir, file).split('\\').join('/');
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    return importedFiles.map(({ fileName }): Edge => {
      if (!fileName.startsWith('.')) return { from, to: fileName, bare: true };
      const to = relative(rootDir, resolve(dirname(file), fileName))
        .split('\\')
        .join('/');
      return { from, to, bare: false };
    });
  });
}

function layerOf(path: string): string {
  return path.includes('/') ? (path.split('/')[0] ?? path) : root;
}

/** The rule an edge breaks, or undefined when it is allowed. */
function violation(edge: Edge): string | undefined {
  if (edge.bare) {
    if (k6Side.some((p) => edge.from.startsWith(p)) && !/^k6(\/|$)/.test(edge.to)) {
      return 'the k6 side of load/ imports k6 modules only (k6 has no Node or npm modules)';
    }
    if (k6SafeCore.includes(edge.from)) return `${edge.from} imports nothing (k6 loads it)`;
    return undefined;
  }
  if (edge.to.startsWith('..')) return 'an import leaves the repository';
  const from = layerOf(edge.from);
  const to = layerOf(edge.to);
  if (k6Side.some((p) => edge.from.startsWith(p)) && !k6SideMayImport.some((p) => edge.to.startsWith(p))) {
    return `the k6 side of load/ imports only ${k6SideMayImport.join(', ')}`;
  }
  if (k6SafeCore.includes(edge.from)) return `${edge.from} imports nothing (k6 loads it)`;
  if (from === to) return undefined;
  if (to === 'cli') return 'nothing imports cli/ (thin entries on top)';
  if (from === 'cli' || from === root) {
    if (to === root) return 'cli/ does not import the root tool configs';
    return undefined; // the top imports anything below it
  }
  if (from === 'config') return 'config/ imports nothing of ours (the bottom layer)';
  if (from === 'core') return to === 'config' ? undefined : 'core/ imports only config/';
  if (!(parts as readonly string[]).includes(from)) return `${from}/ is not a known layer: add it to the parts`;
  if (to === 'config' || to === 'core') return undefined;
  if (to === root) {
    return allowedIntoRoot.some(([f, t]) => edge.from.startsWith(f) && edge.to === t)
      ? undefined
      : 'a part imports a root tool config (only listed tests may)';
  }
  return allowedCrossPart.some(([f, t]) => from === f && edge.to.startsWith(t))
    ? undefined
    : `${from}/ -> ${to}/ is not an allowed cross-part edge (list it in allowedCrossPart with why, or move the code to core/)`;
}

/** Folder → folders it imports (relative imports between different top-level folders). */
function folderGraph(edges: readonly Edge[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    if (e.bare || e.to.startsWith('..')) continue;
    const [from, to] = [layerOf(e.from), layerOf(e.to)];
    if (from === to) continue;
    graph.set(from, (graph.get(from) ?? new Set()).add(to));
  }
  return new Map([...graph].sort(([a], [b]) => a.localeCompare(b)));
}

const edges = importEdges(repoRoot);

test('the import graph, folder -> folders', (t) => {
  const graph = folderGraph(edges);
  for (const [from, to] of graph) t.diagnostic(`${from} -> ${[...to].sort().join(', ')}`);
  assert.ok(graph.size > 0 && edges.length > 500, `only ${edges.length} imports found under ${repoRoot}`);
});

test('every import follows the layers (config < core < parts < cli)', () => {
  const broken = edges.flatMap((e) => {
    const why = violation(e);
    return why === undefined ? [] : [`${e.from} -> ${e.to}: ${why}`];
  });
  assert.deepEqual(broken, []);
});

test('nothing imports cli/', () => {
  const intoCli = edges.filter((e) => !e.bare && layerOf(e.to) === 'cli' && layerOf(e.from) !== 'cli');
  assert.deepEqual(
    intoCli.map((e) => `${e.from} -> ${e.to}`),
    [],
  );
});

test('every listed cross-part edge is still used (the list is the truth, not a wish)', () => {
  const unused = allowedCrossPart.filter(
    ([from, to]) => !edges.some((e) => !e.bare && layerOf(e.from) === from && e.to.startsWith(to)),
  );
  assert.deepEqual(unused, []);
});

test('the rules catch what they must (a few forbidden edges)', () => {
  const edge = (from: string, to: string, bare = false): Edge => ({ from, to, bare });
  assert.match(violation(edge('reports/gate/gate.ts', 'cli/load.ts')) ?? '', /nothing imports cli/);
  assert.match(violation(edge('core/main.ts', 'reports/lib/files.ts')) ?? '', /core\/ imports only config/);
  assert.match(violation(edge('config/index.ts', 'core/errors.ts')) ?? '', /config\/ imports nothing/);
  assert.match(violation(edge('reference/app.ts', 'reports/lib/html.ts')) ?? '', /not an allowed cross-part edge/);
  assert.match(violation(edge('load/lib/url.ts', 'node:fs', true)) ?? '', /k6 modules only/);
  assert.match(violation(edge('load/lib/url.ts', 'core/files.ts')) ?? '', /k6 side/);
  assert.match(violation(edge('core/errors.ts', 'config/index.ts')) ?? '', /imports nothing/);
  assert.equal(violation(edge('cli/load.ts', 'reports/review/history.ts')), undefined);
  assert.equal(violation(edge('reports/gate/gate.ts', 'core/main.ts')), undefined);
  assert.equal(violation(edge('load/lib/input-error.ts', 'core/errors.ts')), undefined);
});
