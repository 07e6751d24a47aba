// The shape of one CLI subcommand: its entry in cli/command-list.ts (the yargs command string and the one-line
// description that `sumac --help` prints) and its module in cli/commands/ (a yargs builder, examples and a
// handler that returns an exit code), which main() loads only when that command runs.
import type { Argv } from "yargs";
import type { Io } from "./io.js";

export interface Context {
  readonly io: Io;
  readonly debug: boolean;
}

/** A command's options, examples and handler (cli/commands/<name>.ts). */
export interface SumacCommand {
  readonly builder: (y: Argv) => Argv;
  readonly examples?: readonly (readonly [string, string])[];
  /** Returns the exit code. Throw InputError for bad input (exit 2). */
  readonly handler: (args: Record<string, unknown>, ctx: Context) => Promise<number> | number;
}

/** What the top-level help needs of a command, and how to load the rest. */
export interface CommandEntry {
  /** yargs command string, e.g. "asm <file>". */
  readonly command: string;
  readonly describe: string;
  readonly load: () => Promise<SumacCommand>;
}
