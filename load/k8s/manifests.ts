// Builds the Kubernetes objects for a distributed run on k6-operator: a ConfigMap holding the k6 scripts and the
// config JSON they open(), a TestRun (k6.io/v1alpha1) that mounts them back in the repository's own layout (so the
// scripts' relative imports and open() paths work unchanged), a results volume, and a reader Pod to copy results out.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { k6SafeCore } from '../../core/k6-safe.ts';
import { metricsFileName } from '../../core/layout.ts';

/**
 * grafana/k6 image, pinned by version and digest. The digest is the one published for 2.3.0 as recorded in public
 * repositories (not pulled from here: this machine has no registry access); `docker pull` verifies it.
 */
export const k6Image = 'grafana/k6:2.3.0@sha256:9c2dee7f8ed74d317e4027c06a10f169b625638189de8d4555d0b3486a5aeb34';
/** uid/gid of the `k6` user in the grafana/k6 images; fsGroup makes the results volume writable for it. */
const k6Uid = 12345;
/** The repository layout is recreated under this path inside the runner pods. */
export const suiteMount = '/suite';
export const resultsMount = '/results';
/** Kubernetes refuses a ConfigMap above 1 MiB (keys and values together). */
export const configMapLimitBytes = 1024 * 1024;

export interface PackageOptions {
  readonly name: string; // TestRun name; the ConfigMap, Secrets and PVC are named after it
  readonly namespace: string;
  readonly parallelism: number;
  readonly profile: string;
  readonly script: string; // entry script, repository-relative, e.g. load/scenarios/login.ts
  readonly storageClass: string | undefined; // must offer ReadWriteMany when runners land on several nodes
  readonly resultsSize: string;
}

export interface PackagedFile {
  readonly path: string; // repository-relative, forward slashes
  readonly key: string; // ConfigMap key: the path with '/' replaced (keys may not contain '/')
  readonly content: string;
}

/**
 * The files a run needs: every k6 script under load/scenarios and load/lib, the modules of core/ they import
 * (k6SafeCore), and the JSON the scripts open().
 */
export function collectFiles(repoRoot: string): PackagedFile[] {
  const list = (dir: string, ext: string): string[] => {
    const abs = join(repoRoot, dir);
    return readdirSync(abs)
      .filter((f) => f.endsWith(ext) && !f.endsWith('.d.ts') && statSync(join(abs, f)).isFile())
      .map((f) => `${dir}/${f}`);
  };
  const paths = [
    ...list('load/scenarios', '.ts'),
    ...list('load/lib', '.ts'),
    ...list('load/lib', '.js'), // the response validator generated from the pinned spec
    ...k6SafeCore,
    'config/profiles.json',
    'config/slo.json',
  ];
  return paths.sort().map((path) => ({ path, key: keyFor(path), content: readFileSync(join(repoRoot, path), 'utf8') }));
}

export const keyFor = (path: string): string => path.replace(/\//g, '__');

export const names = (o: PackageOptions) => ({
  configMap: `${o.name}-scripts`,
  envSecret: `${o.name}-env`,
  accountsSecret: `${o.name}-accounts`,
  results: `${o.name}-results`,
  reader: `${o.name}-results-reader`,
});

export function configMapBytes(files: readonly PackagedFile[]): number {
  return files.reduce((sum, f) => sum + Buffer.byteLength(f.key) + Buffer.byteLength(f.content), 0);
}

export function configMap(o: PackageOptions, files: readonly PackagedFile[]): object {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: names(o).configMap, namespace: o.namespace, labels: labels(o) },
    data: Object.fromEntries(files.map((f) => [f.key, f.content])),
  };
}

const labels = (o: PackageOptions) => ({
  'app.kubernetes.io/name': 'vos-login-load',
  'app.kubernetes.io/instance': o.name,
});

export function testRun(o: PackageOptions, files: readonly PackagedFile[]): object {
  const n = names(o);
  const secretEnv = (name: string, optional: boolean) => ({
    name,
    valueFrom: { secretKeyRef: { name: n.envSecret, key: name, optional } },
  });
  return {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: { name: o.name, namespace: o.namespace, labels: labels(o) },
    spec: {
      parallelism: o.parallelism,
      // The operator splits the schedule into equal execution segments and adds `--tag instance_id=<i>` and
      // `--tag testrun_name=<name>` to every runner, so each metric point carries its instance.
      script: { localFile: `${suiteMount}/${o.script}` },
      separate: false,
      runner: {
        image: k6Image,
        imagePullPolicy: 'IfNotPresent',
        metadata: { labels: labels(o) },
        // Numeric uid: runAsNonRoot cannot verify an image whose USER is a name.
        securityContext: { runAsNonRoot: true, runAsUser: k6Uid, runAsGroup: k6Uid, fsGroup: k6Uid },
        containerSecurityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        // `env` (not envFrom): the operator passes .env entries to the initializer's `k6 archive` too, and the
        // script reads AUTH_BASE_URL at init. Secret values come through secretKeyRef, never through the manifest.
        env: [
          // `<testrun>-<index>` (the Job's name): names this instance's results folder.
          {
            name: 'K6_INSTANCE',
            valueFrom: { fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/job-name']" } },
          },
          { name: 'K6_NO_USAGE_REPORT', value: 'true' },
          // A .gz name: k6 compresses the stream as it writes it (about 30x smaller on the results volume).
          { name: 'K6_OUT', value: `json=${resultsMount}/${metricsFileName}` },
          { name: 'LOAD_PROFILE', value: o.profile },
          { name: 'LOAD_RUN_ID', value: o.name },
          { name: 'LOAD_OUTPUT_DIR', value: resultsMount },
          { name: 'LOAD_ACCOUNTS_FILE', value: '/secrets/accounts/load-accounts.json' },
          secretEnv('AUTH_BASE_URL', false),
          secretEnv('ALLOW_REMOTE_LOAD', true),
        ],
        volumes: [
          {
            name: 'suite',
            configMap: { name: n.configMap, items: files.map((f) => ({ key: f.key, path: f.path })) },
          },
          { name: 'accounts', secret: { secretName: n.accountsSecret, defaultMode: 0o440 } },
          { name: 'results', persistentVolumeClaim: { claimName: n.results } },
        ],
        volumeMounts: [
          { name: 'suite', mountPath: suiteMount, readOnly: true },
          { name: 'accounts', mountPath: '/secrets/accounts', readOnly: true },
          // subPathExpr: kubelet creates <pvc>/<testrun>-<index>/ so instances never write the same file.
          { name: 'results', mountPath: resultsMount, subPathExpr: '$(K6_INSTANCE)' },
        ],
      },
    },
  };
}

export function resultsClaim(o: PackageOptions): object {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: names(o).results, namespace: o.namespace, labels: labels(o) },
    spec: {
      accessModes: ['ReadWriteMany'],
      ...(o.storageClass ? { storageClassName: o.storageClass } : {}),
      resources: { requests: { storage: o.resultsSize } },
    },
  };
}

/** A pod that mounts the results volume so `kubectl cp` can copy every instance's folder out (k6 image has tar). */
export function resultsReader(o: PackageOptions): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: names(o).reader, namespace: o.namespace, labels: labels(o) },
    spec: {
      restartPolicy: 'Never',
      securityContext: { runAsNonRoot: true, runAsUser: k6Uid, runAsGroup: k6Uid, fsGroup: k6Uid },
      containers: [
        {
          name: 'reader',
          image: k6Image,
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          command: ['sleep', '3600'],
          volumeMounts: [{ name: 'results', mountPath: resultsMount, readOnly: true }],
        },
      ],
      volumes: [{ name: 'results', persistentVolumeClaim: { claimName: names(o).results } }],
    },
  };
}

/** Relative imports and the default open() paths of the packaged scripts that point at a file not packaged. */
export function unresolvedReferences(files: readonly PackagedFile[]): string[] {
  const packaged = new Set(files.map((f) => f.path));
  const missing: string[] = [];
  for (const file of files.filter((f) => f.path.endsWith('.ts'))) {
    const refs = [
      ...file.content.matchAll(/\bfrom\s+'(\.{1,2}\/[^']+)'/g),
      ...file.content.matchAll(/'(\.{1,2}\/[^']+\.json)'/g),
    ].map((m) => m[1] ?? '');
    for (const ref of refs) {
      const target = relative('.', join(file.path, '..', ref))
        .split('\\')
        .join('/');
      if (!packaged.has(target)) missing.push(`${file.path} -> ${ref}`);
    }
  }
  return missing;
}

/** The commands that create the Secrets (values from local files, never typed on the command line) and run. */
export function kubectlCommands(o: PackageOptions, outDir: string): string[] {
  const n = names(o);
  const ns = `-n ${o.namespace}`;
  return [
    `# 1. once per namespace: the secrets (target.env holds AUTH_BASE_URL=... and optionally ALLOW_REMOTE_LOAD=<host>)`,
    `kubectl ${ns} create secret generic ${n.envSecret} --from-env-file=./target.env`,
    `kubectl ${ns} create secret generic ${n.accountsSecret} --from-file=load-accounts.json=./load-accounts.json`,
    `# 2. scripts, results volume, and the run (parallelism ${o.parallelism}, profile ${o.profile})`,
    `kubectl ${ns} apply -f ${outDir}/configmap.yaml -f ${outDir}/results-pvc.yaml`,
    `kubectl ${ns} apply -f ${outDir}/testrun.yaml`,
    `kubectl ${ns} wait testrun/${o.name} --for=jsonpath='{.status.stage}'=finished --timeout=4h`,
    `kubectl ${ns} get pods -l k6_cr=${o.name}   # runner exit codes: 0 pass, 99 thresholds crossed (per instance)`,
    `# 3. copy every instance's ${metricsFileName} + summary.json out, then merge them into global percentiles`,
    `kubectl ${ns} apply -f ${outDir}/results-reader.yaml && kubectl ${ns} wait pod/${n.reader} --for=condition=Ready --timeout=5m`,
    `kubectl ${ns} cp ${n.reader}:${resultsMount} reports/output/load/${o.name}-k8s`,
    `kubectl ${ns} delete pod/${n.reader} testrun/${o.name}`,
  ];
}
