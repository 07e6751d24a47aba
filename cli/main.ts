// The CLI: main(argv, io) → exit code, so tests run it in-process. Every subcommand lives in cli/commands/.
import yargs from "yargs";
import { InputError, isInputError } from "../isa/errors.js";
import type { CommandEntry, Context, SumacCommand } from "./command.js";
import { COMMANDS } from "./command-list.js";
import { nodeIo, type Io } from "./io.js";

export { nodeIo, COMMANDS };

/**
 * The command argv runs: the first word that names one (yargs matches the first positional word, and a flag's value
 * before the command is no command name). Only that command's module is loaded; none for --help.
 */
function invokedCommand(argv: readonly string[]): CommandEntry | undefined {
  for (const word of argv) {
    const entry = COMMANDS.find((c) => c.command.split(" ")[0] === word);
    if (entry) return entry;
  }
  return undefined;
}

/** `--json -` means stdout; yargs would read a lone "-" as a positional, so it is bound to its flag first. */
function joinDashValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith("--") && !a.includes("=") && argv[i + 1] === "-") {
      out.push(`${a}=-`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** Runs the CLI. Bad input → one `sumac: error:` line and 2; an internal fault → 1 (stack with --debug). */
export async function main(rawArgv: readonly string[], io: Io): Promise<number> {
  const argv = joinDashValues(rawArgv);
  const debug = argv.includes("--debug");
  const ctx: Context = { io, debug };
  let code = 0;
  const report = (e: unknown): number => {
    if (isInputError(e)) {
      io.stderr(`sumac: error: ${e.message}\n`);
      for (const line of e.details) io.stderr(`${line}\n`);
      if (debug && e.stack) io.stderr(`${e.stack}\n`);
      return 2;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    io.stderr(`sumac: internal error: ${err.message}\n`);
    if (debug && err.stack) io.stderr(`${err.stack}\n`);
    else io.stderr("(run again with --debug for the stack trace)\n");
    return 1;
  };

  let cli = yargs([...argv])
    .scriptName("sumac")
    .usage(
      "sumac: compile and simulate structured-convolution networks on an adder-heavy accelerator\n\nUsage: $0 <command> [options]",
    )
    .option("debug", { type: "boolean", describe: "print stack traces of errors", global: true })
    .strict()
    .demandCommand(1, "name a command (sumac --help lists them)")
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((msg, err) => {
      // Throwing here stops yargs before any handler runs; its own parse errors (YError) are bad input.
      if (err && err.name !== "YError") throw err;
      let text = msg || err?.message || "invalid command line";
      if (/^Did you mean/.test(text)) text = `unknown command '${argv[0] ?? ""}'. ${text}`;
      throw new InputError(text.replace(/\s*\n\s*/g, " ").trim()); // yargs spreads some messages over lines
    })
    .help()
    .version(false);
  let helpText = "";
  try {
    const invoked = invokedCommand(argv);
    const loaded: SumacCommand | undefined = invoked ? await invoked.load() : undefined;
    // yargs runs the builder of the matched command only, which is the one loaded. Commands are registered without
    // a yargs handler: the handler runs after parsing, because after a yargs handler yargs renders and caches the
    // command's whole help text (for failures of an async handler, which this CLI reports in one line instead).
    for (const entry of COMMANDS) {
      const cmd = entry === invoked ? loaded : undefined;
      cli = cli.command(entry.command, entry.describe, (y) => {
        if (!cmd) return y;
        let b = cmd.builder(y);
        for (const [ex, what] of cmd.examples ?? []) b = b.example(ex, what);
        return b;
      });
    }
    const args = await cli.parseAsync([...argv], {}, (_err, _argv, output) => {
      helpText = output;
    });
    if (!helpText) {
      const name = String(args._[0] ?? "");
      if (!loaded || invoked?.command.split(" ")[0] !== name)
        throw new Error(`command '${name}' was parsed without its module loaded`);
      code = await loaded.handler(args, ctx);
    }
  } catch (e) {
    return report(e);
  }
  if (helpText) io.stdout(helpText.endsWith("\n") ? helpText : `${helpText}\n`);
  return code;
}
