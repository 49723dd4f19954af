/**
 * A mistake in what the user typed (an option, an argument, an environment variable): the command
 * prints one line naming it and exits 2 before anything is written.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
