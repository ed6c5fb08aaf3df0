// Environment variables the global setup sets for workers and reporters (Playwright passes the main process's
// environment to workers). Kept in a module of its own so the Playwright config imports nothing heavy.
export const targetEnv = {
  baseUrl: 'CONTRACT_BASE_URL',
  faultBaseUrl: 'CONTRACT_FAULT_BASE_URL',
  managed: 'CONTRACT_TARGET_MANAGED',
  /** sha256 of the spec the global setup checked against the OpenAPI 3.0 schema (workers skip the check). */
  specChecked: 'CONTRACT_SPEC_SHA256',
  /** The run's coordinator (support/coordinator.ts): pacing and the account guard across workers. */
  coordinator: 'CONTRACT_COORDINATOR_URL',
} as const;
