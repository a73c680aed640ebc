/** What a successful editor command hands back to `execute`. */
export interface CommandResult {
  /** The text the model reads. */
  output: string;
  /** The unified diff, when the command changed a file. */
  diff?: string | undefined;
}
