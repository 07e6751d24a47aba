// `sumac simulate <DIR>`: runs a compiled program (compiler/emit.ts layout) on the cycle-level simulator and
// writes the summary, report.json, layers.csv, a Chrome trace and the output tensor.
//
// Hardware: the program must run on the machine it was compiled for. With --hw/--set, they must resolve to the
// program's hash; without them, DIR/hw.json (written by `sumac compile`) is used, else the preset named by the
// first word of the program's hw id. A program that deadlocks or touches memory out of bounds is bad input
// (exit 2, the blocked instructions listed); `sumac run` treats the same as an internal fault (exit 1).

import { SingleBar } from "cli-progress";
import type { Argv } from "yargs";
import { readProgram } from "../../compiler/emit.js";
import { InputError } from "../../isa/errors.js";
import { PRESET_NAMES, resolveHw } from "../../isa/hw/config.js";
import type { HwConfig } from "../../isa/hw/types.js";
import type { Program } from "../../isa/program.js";
import { fillNormal, rngFromString } from "../../models/rng.js";
import { layersCsv } from "../../simulator/csv.js";
import { buildReport, type Report } from "../../simulator/report.js";
import { simulate, type SimResult } from "../../simulator/simulate.js";
import { summaryText } from "../../simulator/summary.js";
import { chromeTrace } from "../../simulator/trace.js";
import type { Context, SumacCommand } from "../command.js";
import { hwOptions, resolveHwFromArgs } from "../hw-options.js";
import type { Io } from "../io.js";
import { readTensorFile, writeTensorFile } from "../tensor-file.js";

/** Flags shared by `simulate` and `run`. */
export function simOutputOptions(y: Argv): Argv {
  return y
    .option("input", {
      type: "string",
      describe: "input tensor, .f32 (raw little-endian float32, batch first) or .npy; default: seeded synthetic N(0,1)",
    })
    .option("output", { type: "string", describe: "write the output tensor (.f32 or .npy)" })
    .option("json", { type: "string", describe: 'write report.json ("-" = stdout)' })
    .option("csv", { type: "string", describe: "write the per-layer table (layers.csv)" })
    .option("trace", { type: "string", describe: "write a Chrome/Perfetto trace (one track per unit)" })
    .option("timing-only", {
      type: "boolean",
      default: false,
      describe: "cycles, counters and energy without computing tensors",
    })
    .option("engine", {
      choices: ["event", "stepped"] as const,
      default: "event",
      describe: "event-driven (fast) or cycle-stepped (verification)",
    })
    .option("max-cycles", { type: "number", describe: "stop with an error after this many cycles" });
}

/** The input a run uses: --input F, else a seeded synthetic N(0,1) tensor. */
export function inputFromArgs(args: Record<string, unknown>, program: Program, io: Io): Float32Array {
  const t = program.manifest.inputs[0];
  if (!t) throw new InputError("the program has no input tensor");
  const per = t.shape.reduce((a, b) => a * b, 1);
  const n = per * program.manifest.batch;
  const what = `${program.manifest.batch}x${t.shape.join("x")}`;
  const path = args["input"];
  if (typeof path === "string" && path !== "") return readTensorFile(path, n, what, io);
  const x = new Float32Array(n);
  fillNormal(rngFromString(`${typeof args["seed"] === "string" ? args["seed"] : "sumac"}-input`), x);
  return x;
}

/** Flag combinations that cannot work, checked before any compile work. */
export function checkSimFlags(args: Record<string, unknown>): void {
  if (args["timing-only"] && args["output"])
    throw new InputError("--output needs the functional run: drop --timing-only");
}

/** Runs the simulation with the shared flags and writes every requested output. Returns the exit code. */
export function simulateAndReport(
  program: Program,
  hw: HwConfig,
  args: Record<string, unknown>,
  ctx: Context,
  input?: Float32Array,
): number {
  const { io } = ctx;
  const timingOnly = Boolean(args["timing-only"] ?? args["timingOnly"]);
  checkSimFlags(args);
  const maxCycles = args["max-cycles"] === undefined ? undefined : Number(args["max-cycles"]);
  if (maxCycles !== undefined && !(maxCycles > 0))
    throw new InputError(`--max-cycles ${String(args["max-cycles"])}: expected a positive number`);
  const x = timingOnly ? undefined : (input ?? inputFromArgs(args, program, io));
  const bar =
    io.isTTY && !timingOnly && program.instructions.length > 2000
      ? new SingleBar({
          format: "simulating [{bar}] {percentage}% | {value}/{total} instructions",
          stream: process.stderr,
          clearOnComplete: true,
        })
      : null;
  let result: SimResult;
  try {
    bar?.start(program.instructions.length, 0);
    result = simulate(program, hw, {
      engine: (args["engine"] as "event" | "stepped" | undefined) ?? "event",
      timingOnly,
      ...(x ? { input: x } : {}),
      ...(maxCycles !== undefined ? { maxCycles } : {}),
      ...(bar ? { onProgress: (d: number) => bar.update(d) } : {}),
    });
  } finally {
    bar?.stop();
  }
  const report: Report = buildReport(program, result, hw);
  const json = args["json"];
  if (typeof json === "string" && json !== "") {
    const text = `${JSON.stringify(report, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v), 2)}\n`;
    if (json === "-") io.stdout(text);
    else io.writeFile(json, text);
  }
  if (typeof args["csv"] === "string" && args["csv"]) io.writeFile(args["csv"], layersCsv(report));
  if (typeof args["trace"] === "string" && args["trace"])
    io.writeFile(args["trace"], JSON.stringify(chromeTrace(result)));
  if (typeof args["output"] === "string" && args["output"] && result.output) {
    const t = program.manifest.outputs[0]!;
    writeTensorFile(args["output"], result.output, [program.manifest.batch, ...t.shape], io);
  }
  const summary = summaryText(report, { color: io.isTTY });
  if (json === "-") io.stderr(summary);
  else io.stdout(summary);
  return 0;
}

/** The machine a stored program is simulated on (see the header). */
export function hwForProgram(dir: string, program: Program, args: Record<string, unknown>, io: Io): HwConfig {
  const given = args["hw"] !== undefined || args["set"] !== undefined;
  if (given) return resolveHwFromArgs(args, io);
  const file = `${dir.replace(/[/\\]$/, "")}/hw.json`;
  // hw.json is an ordinary config document (validated like any --hw file); simulate() then checks its hash.
  if (io.exists(file)) return resolveHw({ file: { path: file, text: new TextDecoder().decode(io.readFile(file)) } });
  const preset = program.manifest.hw.id.split("-")[0] ?? "";
  if (!PRESET_NAMES.includes(preset))
    throw new InputError(
      `${dir}: no hw.json and the program's hw id '${program.manifest.hw.id}' names no preset; give --hw FILE.json`,
    );
  return resolveHw({ preset });
}

export const simulateCommand: SumacCommand = {
  builder: (y) =>
    simOutputOptions(
      hwOptions(y.positional("dir", { type: "string", describe: "program directory written by sumac compile" })),
    ).option("seed", {
      type: "string",
      default: "sumac",
      describe: "seed of the synthetic input",
    }),
  examples: [
    ["sumac simulate out/ --input x.f32 --output y.f32 --json report.json", "run a compiled program on an input"],
    ["sumac simulate out/ --timing-only --trace trace.json", "cycles and energy only, with a Perfetto trace"],
  ],
  handler: (args, ctx) => {
    const dir = String(args["dir"]);
    const program = readProgram(dir, ctx.io);
    const hw = hwForProgram(dir, program, args, ctx.io);
    return simulateAndReport(program, hw, args, ctx);
  },
};
