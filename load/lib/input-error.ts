// A problem with the user's input (profile, SLO or accounts file, env override, target). Both runtimes use it:
// k6 reports it at init and exits, the Node CLI prints its one-line message and exits 2 (it is a UserError, whose
// module has no Node imports so that k6 can load it too).
import { UserError } from '../../core/errors.ts';

export class LoadInputError extends UserError {
  override readonly name: string = 'LoadInputError';
}
