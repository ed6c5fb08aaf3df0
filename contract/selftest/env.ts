// Environment variables run.ts sets for its Playwright run (read by ./playwright.config.ts). Kept apart so run.ts does
// not import the Playwright config.
export const selftestEnv = {
  /** Origin of the multiplexing reference (reference/multiplex.ts). */
  origin: 'SELFTEST_ORIGIN',
  /** Comma-separated target names: `healthy` and/or defect names, one project each. */
  targets: 'SELFTEST_TARGETS',
  /** Where a project's kill marker is written (see ./stop-after-kill.ts). */
  killedDir: 'SELFTEST_KILLED_DIR',
  /** Targets at a time (Playwright workers; each target's project has one worker). */
  workers: 'SELFTEST_WORKERS',
  /** `1`: defect projects run only the tests whose titles carry one of the defect's declared clauses. */
  targeted: 'SELFTEST_TARGETED',
  /** The Playwright JSON report. */
  resultsFile: 'SELFTEST_RESULTS_FILE',
} as const;
