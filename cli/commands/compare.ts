// `sumac compare <model> [hw]`: the dense and the structured lowering of one model on one machine, side by side.
import chalk from "chalk";
import type { SumacCommand } from "../command.js";
import { compileOptionsFromArgs, loadGraphFromArgs, modelOptions, strArg } from "../model-options.js";
import { hwOptions, resolveHwFromArgs } from "../hw-options.js";
import { readTensorFile } from "../tensor-file.js";
import { compareRatios, compareRows, formatRows } from "../compare-table.js";
import { comparePage } from "../html/page.js";
import { compile } from "../../compiler/compile.js";
import { fillNormal, rngFromString } from "../../models/rng.js";
import { simulate, type SimResult } from "../../simulator/simulate.js";
import { buildReport, type Report } from "../../simulator/report.js";
import type { Io } from "../io.js";

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return aa === 0 || bb === 0 ? (aa === bb ? 1 : 0) : ab / Math.sqrt(aa * bb);
}

function writeOut(path: string, text: string, io: Io): void {
  if (path === "-") io.stdout(text);
  else io.writeFile(path, text);
}

export const compareCommand: SumacCommand = {
  builder: (y) =>
    modelOptions(hwOptions(y))
      .positional("model", { type: "string", describe: "zoo name (resnet56:struct-a), .net file or .onnx file" })
      .option("input", {
        type: "string",
        describe: "input tensor (.f32 raw float32 or .npy), batch first; default: seeded synthetic",
      })
      .option("timing-only", {
        type: "boolean",
        default: false,
        describe: "skip the functional run (no outputs, same cycles and energy)",
      })
      .option("json", { type: "string", describe: 'write {dense, structured, ratios} as JSON ("-" for stdout)' })
      .option("html", { type: "string", describe: "write a self-contained HTML report with charts" }),
  examples: [
    ["sumac compare resnet56:struct-a", "the paper's Struct-ResNet-56-A on the edge preset"],
    [
      "sumac compare resnet18:struct-a --hw tiny --timing-only --html r18.html",
      "an ImageNet model, timing only, with charts",
    ],
    [
      "sumac compare model.onnx --set mac.actBits=16 --json -",
      "a PyTorch export with a 16-bit sum-pool output into the MACs",
    ],
  ],
  handler: async (args, ctx) => {
    const { io } = ctx;
    const hw = resolveHwFromArgs(args, io);
    const graph = loadGraphFromArgs(args, io);
    const timingOnly = Boolean(args["timing-only"]);
    const batch = Number(args["batch"] ?? 1);
    const perImage = graph.input.shape.reduce((a, b) => a * b, 1);
    let input: Float32Array | undefined;
    if (!timingOnly) {
      if (typeof args["input"] === "string")
        input = readTensorFile(args["input"], perImage * batch, `[${batch}, ${graph.input.shape.join(", ")}]`, io);
      else
        input = fillNormal(
          rngFromString(`${strArg(args, "seed", "sumac")}:input`),
          new Float32Array(perImage * batch),
        ) as Float32Array;
    }
    const runs: Record<"dense" | "structured", { report: Report; result: SimResult }> = {} as never;
    for (const mode of ["dense", "structured"] as const) {
      const opts = compileOptionsFromArgs(args, io, mode);
      // Timing-only: requantisation values cannot change a cycle, so no calibration pass is paid for.
      const calibration = input ? [input.subarray(0, perImage)] : "nominal";
      const program = compile(graph, hw, { ...opts, calibration });
      const result = simulate(program, hw, { timingOnly, ...(input ? { input } : {}) });
      runs[mode] = { report: buildReport(program, result, hw), result };
    }
    const dense = runs.dense.report;
    const structured = runs.structured.report;
    const rows = compareRows(dense, structured);
    const ratios: Record<string, number | null> = compareRatios(dense, structured);
    const outD = runs.dense.result.output;
    const outS = runs.structured.result.output;
    const agreement = outD && outS ? cosine(outD, outS) : null;
    if (agreement !== null) ratios["output_cosine"] = agreement;

    if (args["json"] !== "-") {
      const c = io.isTTY ? { good: chalk.green, bad: chalk.red } : undefined;
      const title = `${graph.name}: dense vs structured on ${hw.id} (${dense.dtype}${timingOnly ? ", timing only" : ""})`;
      io.stdout(`${io.isTTY ? chalk.bold(title) : title}\n\n${formatRows(rows, c)}`);
      if (agreement !== null) io.stdout(`\noutputs of the two lowerings: cosine similarity ${agreement.toFixed(6)}\n`);
      io.stdout(
        `energy prices: ${hw.id}, e.g. mac.mult8 ${hw.energy["mac.mult8"]?.value} pJ (${hw.energy["mac.mult8"]?.source})\n`,
      );
    }
    if (typeof args["json"] === "string")
      writeOut(args["json"], JSON.stringify({ dense, structured, ratios }, null, 1) + "\n", io);
    if (typeof args["html"] === "string") {
      const html = await comparePage({ title: `sumac compare: ${graph.name}`, dense, structured, rows, hw });
      io.writeFile(args["html"], html);
      if (args["json"] !== "-") io.stdout(`wrote ${args["html"]}\n`);
    }
    return 0;
  },
};
