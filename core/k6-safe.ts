// The files of core/ the k6 scripts (load/lib/, load/scenarios/) may import: they import nothing k6 lacks (no Node
// module), and the Kubernetes packaging ships them beside the scripts. core/test/layers.test.ts holds the scripts to
// this list; load/k8s/manifests.ts packages it.
export const k6SafeCore: readonly string[] = [
  'core/errors.ts',
  'core/json-path.ts',
  'core/login-tags.ts',
  'core/redact.ts',
];
