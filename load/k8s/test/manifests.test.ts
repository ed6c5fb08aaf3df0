// The k6-operator package: the scripts are mounted back in the repository layout, every instance writes its own
// tagged metric stream, secrets only travel by reference, and bad input writes nothing.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse } from 'yaml';
import { collectFiles, k6Image, testRun, unresolvedReferences } from '../manifests.ts';
import type { PackageOptions, PackagedFile } from '../manifests.ts';
import { main } from '../package.ts';

const repoRoot = process.cwd();
const files = collectFiles(repoRoot);
const opts: PackageOptions = {
  name: 'vos-login',
  namespace: 'load',
  parallelism: 4,
  profile: 'average-load',
  script: 'load/scenarios/login.ts',
  storageClass: undefined,
  resultsSize: '5Gi',
};
const tmp = mkdtempSync(join(tmpdir(), 'k8s-package-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}
interface Run {
  spec: {
    parallelism: number;
    script: { localFile: string };
    runner: {
      image: string;
      env: EnvVar[];
      volumes: { name: string; configMap?: { items: { key: string; path: string }[] } }[];
      volumeMounts: { name: string; mountPath: string; subPathExpr?: string }[];
    };
  };
}

describe('manifests', () => {
  const run = testRun(opts, files) as Run;
  const env = new Map(run.spec.runner.env.map((e) => [e.name, e]));

  test('packages the scenarios, the lib and the config JSON the scripts open()', () => {
    const paths = files.map((f) => f.path);
    for (const expected of ['load/scenarios/login.ts', 'config/profiles.json', 'config/slo.json']) {
      assert.ok(paths.includes(expected), expected);
    }
    assert.ok(paths.some((p) => p.startsWith('load/lib/')));
    assert.ok(
      files.every((f) => /^[-._a-zA-Z0-9]+$/.test(f.key)),
      'ConfigMap keys must not contain "/"',
    );
  });

  test('every packaged file is mounted back at its repository path, so relative imports resolve', () => {
    const items = run.spec.runner.volumes.find((v) => v.name === 'suite')?.configMap?.items ?? [];
    assert.deepEqual(
      items.map((i) => i.path),
      files.map((f) => f.path),
    );
    assert.deepEqual(unresolvedReferences(files), []);
    assert.equal(run.spec.script.localFile, '/suite/load/scenarios/login.ts');
  });

  test('a missing relative import is caught before anything is applied', () => {
    const broken: PackagedFile[] = [
      { path: 'load/scenarios/x.ts', key: 'k', content: "import { a } from '../lib/not-there.ts';\n" },
    ];
    assert.deepEqual(unresolvedReferences(broken), ['load/scenarios/x.ts -> ../lib/not-there.ts']);
  });

  test('parallelism, pinned runner image (version and digest), no usage report', () => {
    assert.equal(run.spec.parallelism, 4);
    assert.match(run.spec.runner.image, /^grafana\/k6:\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
    assert.equal(run.spec.runner.image, k6Image);
    assert.equal(env.get('K6_NO_USAGE_REPORT')?.value, 'true');
  });

  test('each instance writes its own metric stream, in a folder named after its Job', () => {
    assert.equal(env.get('K6_OUT')?.value, 'json=/results/metrics.ndjson.gz');
    assert.equal(env.get('LOAD_OUTPUT_DIR')?.value, '/results');
    assert.equal(
      env.get('K6_INSTANCE')?.valueFrom?.fieldRef?.fieldPath,
      "metadata.labels['batch.kubernetes.io/job-name']",
    );
    const results = run.spec.runner.volumeMounts.find((m) => m.name === 'results');
    assert.equal(results?.subPathExpr, '$(K6_INSTANCE)');
  });

  test('the target comes from a Secret by reference; no value in the manifest looks like a secret', () => {
    assert.deepEqual(env.get('AUTH_BASE_URL')?.valueFrom?.secretKeyRef, {
      name: 'vos-login-env',
      key: 'AUTH_BASE_URL',
      optional: false,
    });
    const literal = run.spec.runner.env.filter((e) => e.value !== undefined).map((e) => e.name);
    assert.ok(!literal.some((n) => /PASSWORD|TOKEN|SECRET|AUTH_BASE_URL/.test(n)), literal.join(','));
  });
});

describe('package.ts', () => {
  const quiet = <T>(fn: () => T): T => {
    const log = console.log;
    const error = console.error;
    console.log = () => undefined;
    console.error = () => undefined;
    try {
      return fn();
    } finally {
      console.log = log;
      console.error = error;
    }
  };

  test('writes four parseable manifests for the chosen parallelism and profile', () => {
    const out = join(tmp, 'ok');
    assert.equal(
      quiet(() => main(['--parallelism', '2', '--profile', 'smoke', '--out', out])),
      0,
    );
    const run = parse(readFileSync(join(out, 'testrun.yaml'), 'utf8')) as Run;
    assert.equal(run.spec.parallelism, 2);
    assert.equal(run.spec.runner.env.find((e) => e.name === 'LOAD_PROFILE')?.value, 'smoke');
    const cm = parse(readFileSync(join(out, 'configmap.yaml'), 'utf8')) as { data: Record<string, string> };
    assert.equal(cm.data['load__scenarios__login.ts'], readFileSync('load/scenarios/login.ts', 'utf8'));
    for (const f of ['results-pvc.yaml', 'results-reader.yaml']) assert.ok(existsSync(join(out, f)), f);
  });

  for (const [name, argv] of [
    ['parallelism 0', ['--parallelism', '0']],
    ['unknown profile', ['--profile', 'nope']],
    ['bad name', ['--name', 'Not_A_DNS_Label']],
    ['script outside load/scenarios', ['--script', 'package.json']],
    ['unknown flag', ['--replicas', '3']],
  ] as const) {
    test(`bad input (${name}): exit 2, nothing written`, () => {
      const out = join(tmp, `bad-${name.replace(/\W/g, '-')}`);
      assert.equal(
        quiet(() => main([...argv, '--out', out])),
        2,
      );
      assert.equal(existsSync(out), false);
    });
  }
});
