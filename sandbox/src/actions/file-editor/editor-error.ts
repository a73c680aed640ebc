/**
 * Thrown inside the file editor for every refusal the model should read: a bad parameter, a
 * path it may not use, a file it cannot edit. `execute` turns it into an `isError`
 * observation (`ERROR:\n<message>`); it never becomes an HTTP error.
 */
export class EditorError extends Error {
  override readonly name = 'EditorError';
}

/** `Parameter `x` is required for command: y.` (OpenHands' `EditorToolParameterMissingError`). */
export function parameterMissing(command: string, parameter: string): EditorError {
  return new EditorError(`Parameter \`${parameter}\` is required for command: ${command}.`);
}

/** `Invalid `x` parameter: value. hint` (OpenHands' `EditorToolParameterInvalidError`). */
export function parameterInvalid(parameter: string, value: string, hint: string): EditorError {
  return new EditorError(`Invalid \`${parameter}\` parameter: ${value}. ${hint}`);
}

/** `File validation failed for path: reason` (OpenHands' `FileValidationError`). */
export function fileValidation(displayPath: string, reason: string): EditorError {
  return new EditorError(`File validation failed for ${displayPath}: ${reason}`);
}

/** An I/O failure, worded as OpenHands words it (`Ran into <error> while trying to <verb> <path>`). */
export function ioFailure(error: unknown, doing: 'read' | 'write to', displayPath: string): EditorError {
  const reason = error instanceof Error ? error.message : String(error);
  return new EditorError(`Ran into ${reason} while trying to ${doing} ${displayPath}`);
}
