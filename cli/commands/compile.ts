// `sumac compile <model> [-o DIR] [hw] [opts] [--dump-after PASS]`: writes DIR/program.s, program.bin, data.bin,
// manifest.json and hw.json, and prints a short summary of the program.
import type { SumacCommand } from "../command.js";
import { compileDetailed, type BackResult } from "../../compiler/compile.js";
import { writeProgram } from "../../compiler/emit.js";
import { macsOf, poolWorkOf } from "../../compiler/work.js";
import { FRONT_PASSES } from "../../compiler/pipeline.js";
import type { HwConfig } from "../../isa/hw/types.js";
import { hwOptions, resolveHwFromArgs } from "../hw-options.js";
import { compileOptionsFromArgs, loadGraphFromArgs, modelOptions } from "../model-options.js";
import { queueOf } from "../../compiler/passes/verify-program.js";
import { placeWeights, weightPlacementText } from "../../simulator/weight-store.js";

const BACK_PASS_NAMES = ["tile", "allocate", "schedule", "lower", "verify-program"];
const int = (x: number): string => x.toLocaleString("en-US");

/** out/<model>: the spec's file name without extension, ':' as '-'. */
export function defaultOutDir(spec: string): string {
  const base = spec.replace(/^.*[/\\]/, "").replace(/\.(onnx|net)(?=:|$)/i, "");
  return `out/${base.replace(/:/g, "-")}`;
}

/** Per-layer E notes (one per structured layer) fold into one line per kind unless --verbose. */
export function summariseNotes(notes: readonly string[], verbose: boolean): string[] {
  if (verbose) return [...notes];
  const narrowing = notes.filter((n) => /^\S+: E \(/.test(n));
  const overflow = notes.filter((n) => /^\S+: E exact /.test(n));
  const rest = notes.filter((n) => !narrowing.includes(n) && !overflow.includes(n));
  const out = [...rest];
  if (narrowing.length > 0) {
    const shifts = narrowing.map((n) => Number(/shifted right by (\d+)/.exec(n)?.[1] ?? 0));
    const lo = Math.min(...shifts),
      hi = Math.max(...shifts);
    const range = lo === hi ? `${lo}` : `${lo}–${hi}`;
    out.push(
      `${narrowing.length} structured layer(s) shift the sum-pool output E right by ${range} bit(s) to fit the MAC inputs (--verbose lists them; --e-bits exact keeps every bit)`,
    );
  }
  if (overflow.length > 0)
    out.push(
      `${overflow.length} structured layer(s) keep an exact E whose worst-case input could overflow the int32 accumulator; their calibrated range does not (--verbose lists them)`,
    );
  return out;
}

export function compileSummary(r: BackResult, hw: HwConfig, dir: string): string {
  const p = r.program;
  const perQueue = new Map<string, number>();
  let macs = 0;
  let poolOutputs = 0;
  let poolAdds = 0;
  for (const i of p.instructions) {
    const q = queueOf(i);
    perQueue.set(q, (perQueue.get(q) ?? 0) + 1);
    macs += macsOf(i);
    const w = poolWorkOf(i);
    poolOutputs += w.outputs;
    poolAdds += w.directAdds;
  }
  const m = p.manifest;
  const sram = (Object.keys(r.sramPeak) as (keyof typeof r.sramPeak)[])
    .map((b) => `${b} ${int(r.sramPeak[b])}/${int(hw.sram[b].bytes)}`)
    .join(", ");
  const weights = p.image.reduce((s, seg) => s + seg.data.length * seg.esize, 0);
  return [
    `compiled ${m.model} (${m.mode}, ${m.dtype}, batch ${m.batch}) for ${m.hw.id} -> ${dir}/`,
    `  instructions ${int(p.instructions.length)}: ${[...perQueue].map(([q, n]) => `${q} ${int(n)}`).join(", ")}`,
    `  layers       ${m.layers.length}`,
    `  DRAM         ${int(m.dramBytes)} bytes (weights and tables ${int(weights)})`,
    `  SRAM peak    ${sram} bytes`,
    `  MAC work     ${int(macs)} MACs`,
    `  SPU work     ${int(poolOutputs)} window sums (${int(poolAdds)} adds as adder trees)`,
    `  parameters   ${weightPlacementText(placeWeights(p, hw))}`,
    "",
  ].join("\n");
}

export const compileCommand: SumacCommand = {
  builder: (y) =>
    modelOptions(
      hwOptions(
        y.positional("model", {
          type: "string",
          describe: "zoo name (resnet56, resnet56:struct-a), a .net file, or an .onnx file",
        }),
      ),
    )
      .option("o", {
        alias: "out",
        type: "string",
        requiresArg: true,
        describe: "output directory (default out/<model>)",
      })
      .option("verbose", {
        type: "boolean",
        default: false,
        describe: "print every compiler note (one per narrowed layer)",
      })
      .option("dump-after", {
        type: "string",
        requiresArg: true,
        describe: `print the IR after this pass (${[...FRONT_PASSES.map((p) => p.name), ...BACK_PASS_NAMES].join(", ")})`,
      }),
  examples: [
    ["sumac compile resnet56:struct-a -o out/r56", "Struct-56-A for the edge machine"],
    [
      "sumac compile resnet20 --hw tiny --mode dense --dump-after tile",
      "tile sizes of dense ResNet-20 on the tiny machine",
    ],
  ],
  handler: (args, ctx) => {
    const hw = resolveHwFromArgs(args, ctx.io);
    const graph = loadGraphFromArgs(args, ctx.io);
    const opts = compileOptionsFromArgs(args, ctx.io);
    const dumpAfter = args["dump-after"];
    const r = compileDetailed(graph, hw, { ...opts, ...(typeof dumpAfter === "string" ? { dumpAfter } : {}) });
    const dir = typeof args["o"] === "string" && args["o"] !== "" ? args["o"] : defaultOutDir(String(args["model"]));
    writeProgram(dir, r.program, ctx.io, hw);
    if (r.dump !== undefined) ctx.io.stdout(r.dump.endsWith("\n") ? r.dump : `${r.dump}\n`);
    for (const note of summariseNotes(r.notes, Boolean(args["verbose"]))) ctx.io.stderr(`note: ${note}\n`);
    ctx.io.stdout(compileSummary(r, hw, dir));
    return 0;
  },
};
