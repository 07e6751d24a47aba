// The CLI: main(argv, io) → exit code, so tests run it in-process. Every subcommand lives in cli/commands/.
import yargs, { type Argv } from "yargs";
import { InputError, isInputError } from "../isa/errors.js";
import type { CommandEntry, Context, SumacCommand } from "./command.js";
import { COMMANDS } from "./command-list.js";
import { nodeIo, type Io } from "./io.js";

export { nodeIo, COMMANDS };

/**
 * The command that argv invokes: its first word that names one (yargs matches the first positional word, and a
 * flag's value before the command names none). Only that command's module is loaded; none for --help.
 */
function invokedCommand(argv: readonly string[]): CommandEntry | undefined {
  for (const word of argv) {
    const entry = COMMANDS.find((c) => c.command.split(" ")[0] === word);
    if (entry) return entry;
  }
  return undefined;
}

/**
 * After a command's handler, yargs renders the command's whole help text and caches it, so that a failing async
 * handler can show it (yargs' command.js, handleValidationAndGetResult). This CLI reports a failure in one line and
 * never shows that text, and rendering it costs tens of milliseconds of every run: the cache is not filled. yargs
 * keeps this hook internal, so it is looked up defensively: without it, only the time is lost.
 */
function skipHelpCache(cli: Argv): void {
  type Usage = { cacheHelpMessage?: () => void };
  const internal = (cli as unknown as { getInternalMethods?: () => { getUsageInstance?: () => Usage } })
    .getInternalMethods;
  const usage = typeof internal === "function" ? internal.call(cli).getUsageInstance?.() : undefined;
  if (usage && typeof usage.cacheHelpMessage === "function") usage.cacheHelpMessage = () => {};
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
    // yargs runs the builder and handler of the matched command only, which is the one loaded.
    for (const entry of COMMANDS) {
      const cmd = entry === invoked ? loaded : undefined;
      cli = cli.command(
        entry.command,
        entry.describe,
        (y) => {
          if (!cmd) return y;
          let b = cmd.builder(y);
          for (const [ex, what] of cmd.examples ?? []) b = b.example(ex, what);
          return b;
        },
        async (args) => {
          if (!cmd) throw new Error(`command '${entry.command}' ran without its module loaded`);
          code = await cmd.handler(args, ctx);
        },
      );
    }
    skipHelpCache(cli);
    await cli.parseAsync([...argv], {}, (_err, _argv, output) => {
      helpText = output;
    });
  } catch (e) {
    return report(e);
  }
  if (helpText) io.stdout(helpText.endsWith("\n") ? helpText : `${helpText}\n`);
  return code;
}
