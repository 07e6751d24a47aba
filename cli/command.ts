// The shape of one CLI subcommand: a yargs builder plus a handler that returns an exit code.
import type { Argv } from "yargs";
import type { Io } from "./io.js";

export interface Context {
  readonly io: Io;
  readonly debug: boolean;
}

export interface SumacCommand {
  /** yargs command string, e.g. "asm <file>". */
  readonly command: string;
  readonly describe: string;
  readonly builder: (y: Argv) => Argv;
  readonly examples?: readonly (readonly [string, string])[];
  /** Returns the exit code. Throw InputError for bad input (exit 2). */
  readonly handler: (args: Record<string, unknown>, ctx: Context) => Promise<number> | number;
}
