// `sumac compare <model> [hw]`: the dense and the structured lowering of one model on one machine, side by side.
import chalk from "chalk";
import type { SumacCommand } from "../command.js";
import { compileOptionsFromArgs, ePolicyFromArgs, loadGraphFromArgs, modelOptions, strArg } from "../model-options.js";
import { hwOptions, resolveHwFromArgs } from "../hw-options.js";
import { readTensorFile } from "../tensor-file.js";
import { compareRatios, compareRows, formatRows } from "../compare-table.js";
import { comparePage } from "../html/page.js";
import { compileDetailed } from "../../compiler/compile.js";
import { InputError } from "../../isa/errors.js";
import type { HwConfig } from "../../isa/hw/types.js";
import { ePolicyReport, ePolicyText } from "../compare-e.js";
import { isoAreaMachine, type IsoAreaMachine, type IsoAreaVariant } from "../iso-area.js";
import { weightPlacementText } from "../../simulator/weight-store.js";
import { fillNormal, rngFromString } from "../../models/rng.js";
import { simulate } from "../../simulator/simulate.js";
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

function isoAreaVariant(x: unknown): IsoAreaVariant | undefined {
  if (x === undefined) return undefined;
  if (x === "" || x === true || x === "mac") return "mac";
  if (x === "sram") return "sram";
  throw new InputError(
    `--iso-area ${typeof x === "string" ? x : JSON.stringify(x)}: expected mac (spend the area on MAC rows/cols) or sram`,
  );
}

/** The same-area machine, resolved from the structured machine's own --hw and --set with further --set flags. */
function sameAreaMachine(hw: HwConfig, variant: IsoAreaVariant, args: Record<string, unknown>, io: Io): IsoAreaMachine {
  const own = args["set"] === undefined ? [] : Array.isArray(args["set"]) ? (args["set"] as unknown[]) : [args["set"]];
  return isoAreaMachine(hw, variant, (extra) => resolveHwFromArgs({ ...args, set: [...own, ...extra] }, io));
}

function isoJsonOf(iso: IsoAreaMachine, dense: Report, structured: Report) {
  return {
    variant: iso.variant,
    hw: { id: iso.hw.id, hash: iso.hw.hash, area_mm2: iso.areaMm2, sets: iso.sets, what: iso.what },
    structured_area_mm2: iso.targetMm2,
    dense,
    ratios: compareRatios(dense, structured),
  };
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
      .option("iso-area", {
        type: "string",
        describe:
          "also run dense on a machine of the same area without the sum-pool unit and its buffer (8-bit multipliers), the area spent on MAC rows/cols (mac, the default) or on SRAM (sram)",
      })
      .option("json", {
        type: "string",
        describe: 'write {dense, structured, ratios, e_policy, iso_area} as JSON ("-" for stdout)',
      })
      .option("html", { type: "string", describe: "write a self-contained HTML report with charts" }),
  examples: [
    ["sumac compare resnet56:struct-a", "the paper's Struct-ResNet-56-A on the edge preset"],
    [
      "sumac compare resnet18:struct-a --hw tiny --timing-only --html r18.html",
      "an ImageNet model, timing only, with charts",
    ],
    [
      "sumac compare resnet56:struct-a --iso-area",
      "also dense on a machine of the same area without the sum-pool unit",
    ],
    ["sumac compare resnet56:struct-a --e-bits 8", "E narrowed to 8 bits (lossy): prints the measured output error"],
    ["sumac compare model.onnx --hw tiny --json -", "a PyTorch export on 8x8 multipliers (exact E takes two passes)"],
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
    const isoVariant = isoAreaVariant(args["iso-area"]);
    const iso = isoVariant ? sameAreaMachine(hw, isoVariant, args, io) : undefined;
    const calibration = input ? [input.subarray(0, perImage)] : ("nominal" as const);
    const runOn = (mode: "dense" | "structured", machine: HwConfig) => {
      const opts = compileOptionsFromArgs(args, io, mode);
      // Timing-only: requantisation values cannot change a cycle, so no calibration pass is paid for.
      const compiled = compileDetailed(graph, machine, { ...opts, calibration });
      const result = simulate(compiled.program, machine, { timingOnly, ...(input ? { input } : {}) });
      return { report: buildReport(compiled.program, result, machine), result, layers: compiled.layers };
    };
    const runs = { dense: runOn("dense", hw), structured: runOn("structured", hw) };
    const isoRun = iso ? runOn("dense", iso.hw) : undefined;
    const dense = runs.dense.report;
    const structured = runs.structured.report;
    const rows = compareRows(dense, structured, isoRun?.report);
    const ratios: Record<string, number | null> = compareRatios(dense, structured);
    const outD = runs.dense.result.output;
    const outS = runs.structured.result.output;
    const agreement = outD && outS ? cosine(outD, outS) : null;
    if (agreement !== null) ratios["output_cosine"] = agreement;
    const policy = ePolicyFromArgs(args);
    const eReport = ePolicyReport(
      graph,
      hw,
      compileOptionsFromArgs(args, io, "structured"),
      policy,
      runs.structured.layers,
      input && outS ? { image: input.subarray(0, perImage), output: outS.subarray(0, outS.length / batch) } : undefined,
    );
    const isoJson = iso && isoRun ? isoJsonOf(iso, isoRun.report, structured) : undefined;

    if (args["json"] !== "-") {
      const c = io.isTTY ? { good: chalk.green, bad: chalk.red } : undefined;
      const title = `${graph.name}: dense vs structured on ${hw.id} (${dense.dtype}${timingOnly ? ", timing only" : ""})`;
      const machines = iso
        ? `columns dense, structured: ${hw.id} (${iso.targetMm2.toFixed(4)} mm²)\ncolumn dense same area: ${iso.hw.id} (${iso.areaMm2.toFixed(4)} mm²): ${iso.what}\n\n`
        : "";
      io.stdout(`${io.isTTY ? chalk.bold(title) : title}\n\n${machines}${formatRows(rows, c)}`);
      if (agreement !== null) io.stdout(`\noutputs of the two lowerings: cosine similarity ${agreement.toFixed(6)}\n`);
      io.stdout(`\n${ePolicyText(eReport, timingOnly)}`);
      io.stdout(
        `parameters: dense ${weightPlacementText(runs.dense.result.weights)}; structured ${weightPlacementText(runs.structured.result.weights)}\n`,
      );
      if (structured.totals.energy_note) io.stdout(`note: ${structured.totals.energy_note}\n`);
      const mult = hw.mac.actBits === 8 ? "mac.mult8" : "mac.mult16";
      io.stdout(
        `energy prices: ${hw.id} at ${hw.techNm} nm, ${hw.vdd} V, e.g. ${mult} ${hw.energy[mult]?.value} pJ (${hw.energy[mult]?.source}); \`sumac hw\` lists every price with its source\n`,
      );
    }
    if (typeof args["json"] === "string")
      writeOut(
        args["json"],
        JSON.stringify(
          { dense, structured, ratios, e_policy: eReport, ...(isoJson ? { iso_area: isoJson } : {}) },
          null,
          1,
        ) + "\n",
        io,
      );
    if (typeof args["html"] === "string") {
      const html = await comparePage({
        title: `sumac compare: ${graph.name}`,
        dense,
        structured,
        rows,
        hw,
        ePolicy: eReport,
        ...(iso && isoRun ? { iso: { machine: iso, dense: isoRun.report } } : {}),
      });
      io.writeFile(args["html"], html);
      if (args["json"] !== "-") io.stdout(`wrote ${args["html"]}\n`);
    }
    return 0;
  },
};
