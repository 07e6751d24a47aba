// Errors caused by what the user gave (a file, a model, a config, a flag): the CLI prints them as one line
// `sumac: error: …` and exits 2. Anything else that escapes is an internal fault (exit 1).

export class InputError extends Error {
  override readonly name = "InputError";
  /** Further lines (e.g. every syntax error of a file, each with its caret); the first line is `message`. */
  readonly details: readonly string[];
  constructor(message: string, details: readonly string[] = []) {
    super(message);
    this.details = details;
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}
