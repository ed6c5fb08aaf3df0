// A problem with the user's input (profile, SLO or accounts file, env override, target). Both runtimes use it:
// k6 reports it at init and exits, the Node CLI prints its one-line message and exits non-zero.
export class LoadInputError extends Error {
  override readonly name = 'LoadInputError';
}
