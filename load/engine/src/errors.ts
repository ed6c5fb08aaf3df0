// k6's documented exit codes, and the one error type the engine uses to end a run with one of them.
export const EXIT = {
  ok: 0,
  thresholdsFailed: 99,
  setupTimeout: 100,
  invalidConfig: 104,
  externalAbort: 105,
  scriptException: 107,
  scriptAborted: 108,
} as const;

export class EngineError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export const invalidConfig = (message: string): EngineError => new EngineError(message, EXIT.invalidConfig);
export const scriptError = (message: string): EngineError => new EngineError(message, EXIT.scriptException);
