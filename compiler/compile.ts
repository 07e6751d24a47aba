// The whole compiler: the front half (compiler/pipeline.ts: normalise, structure, calibrate, quantise) and the
// back half (tile, allocate, schedule, lower, verify-program) as one list of named passes, each followed by its
// verifier. The back half's intermediate results travel in PipelineState.stages under the pass names.

import type { HwConfig, BufferName } from "../isa/hw/types.js";
import { InputError } from "../isa/errors.js";
import type { Program } from "../isa/program.js";
import type { Graph } from "../models/ir.js";
import type { FrontProgram, LayerProgram } from "./layers.js";
import { FRONT_PASSES, needLayers, runPipeline, type Pass, type PipelineState } from "./pipeline.js";
import type { StructSpec } from "./passes/structure.js";
import { tileProgram, type LayerPlan } from "./passes/tile.js";
import { allocateProgram, peakUse, type Allocation } from "./passes/allocate.js";
import { planResidency, printResidency, withResidents, type Residency } from "./passes/residency.js";
import { scheduleOps, type Op } from "./passes/schedule.js";
import { lowerProgram } from "./passes/lower.js";
import { verifyProgram } from "./passes/verify-program.js";
import type { EPolicy } from "./passes/quantise.js";
import { layoutDram, type DramLayout } from "./dram-layout.js";
import { disassembleOps, printPlans } from "./print-back.js";

export interface CompileOptions {
  readonly mode: "dense" | "structured";
  readonly dtype: "int8" | "fp32";
  readonly struct?: StructSpec;
  readonly structSource?: string;
  readonly tol?: number;
  readonly batch?: number;
  readonly calibration?: readonly Float32Array[] | "nominal";
  readonly seed?: number | string;
  readonly dumpAfter?: string;
  readonly onDump?: (pass: string, text: string) => void;
  /**
   * Keep activations in the act SRAM between layers where the rule of compiler/passes/residency.ts allows
   * (default true); false sends every layer output through DRAM, for comparison.
   */
  readonly residency?: boolean;
  /** What a structured layer's E is given (compiler/passes/quantise.ts): exact by default, --e-bits narrows it. */
  readonly ePolicy?: EPolicy;
}

/** What the back half produced, besides the program: for reports and tests. */
export interface BackResult {
  readonly plans: readonly LayerPlan[];
  readonly allocs: readonly Allocation[];
  readonly layout: DramLayout;
  readonly ops: readonly Op[];
  readonly residency: Residency;
  readonly program: Program;
  readonly sramPeak: Readonly<Record<BufferName, number>>;
}

interface BackStages {
  plans?: LayerPlan[];
  allocs?: Allocation[];
  layout?: DramLayout;
  residency?: Residency;
  ops?: Op[];
}

const stages = (s: PipelineState): BackStages => s.stages ?? {};
function need<K extends keyof BackStages>(s: PipelineState, key: K, pass: string): NonNullable<BackStages[K]> {
  const v = stages(s)[key];
  if (v === undefined) throw new Error(`pass '${pass}': '${key}' has not been computed yet`);
  return v;
}
const withStage = (s: PipelineState, add: BackStages): PipelineState => ({
  ...s,
  stages: { ...(s.stages ?? {}), ...add },
});

/** The back-half passes for a machine and batch size. */
export function backPasses(hw: HwConfig, batch: number, residency = true): Pass[] {
  return [
    {
      name: "tile",
      doc: "tile sizes per layer that fit the SRAMs (double-buffered where they fit twice)",
      run: (s) => withStage(s, { plans: tileProgram(needLayers(s, "tile"), hw) }),
      verify: (s) => {
        const plans = need(s, "plans", "tile");
        if (plans.length !== needLayers(s, "tile").layers.length) throw new Error("tile: one plan per layer expected");
      },
      print: (s) => printPlans(need(s, "plans", "tile")),
    },
    {
      name: "allocate",
      doc: "tensors kept in the act SRAM between layers (residency); SRAM addresses of every slot, 16-byte aligned; DRAM layout of tensors, weights and tables",
      run: (s) => {
        const lp = needLayers(s, "allocate");
        const r = planResidency(lp, need(s, "plans", "allocate"), hw, batch, residency);
        return withStage(s, {
          plans: r.plans,
          residency: r.residency,
          allocs: withResidents(allocateProgram(r.plans, hw), r.residency),
          layout: layoutDram(lp, r.plans, batch),
        });
      },
      verify: (s) => {
        for (const a of need(s, "allocs", "allocate"))
          for (const b of Object.keys(a.used) as BufferName[])
            if (a.used[b] > hw.sram[b].bytes) throw new Error(`allocate: ${b} overflow`);
        // A resident tensor overlaps no act slot of a layer it lives through, nor another resident alive then.
        const plans = need(s, "plans", "allocate");
        const res = [...need(s, "residency", "allocate").tensors.values()];
        const allocs = need(s, "allocs", "allocate");
        const meets = (lo: number, hi: number, lo2: number, hi2: number) => lo < hi2 && lo2 < hi;
        for (const t of res) {
          for (let i = t.producer; i <= t.lastUse; i++)
            for (const sl of plans[i]!.slots.filter((x) => x.buf === "act"))
              for (const a of allocs[i]!.slots.get(sl.role) ?? [])
                if (meets(a, a + sl.bytes, t.addr, t.addr + t.bytes))
                  throw new Error(`allocate: resident ${t.name} overlaps a slot of layer ${plans[i]!.layer.name}`);
          for (const u of res)
            if (u !== t && u.producer <= t.lastUse && t.producer <= u.lastUse)
              if (meets(u.addr, u.addr + u.bytes, t.addr, t.addr + t.bytes))
                throw new Error(`allocate: resident ${t.name} and ${u.name} overlap while both alive`);
        }
      },
      print: (s) => {
        const plans = need(s, "plans", "allocate");
        return (
          printResidency(need(s, "residency", "allocate"), plans) +
          need(s, "allocs", "allocate")
            .map(
              (a, i) =>
                `${plans[i]!.layer.name}: ${[...a.slots].map(([r, addrs]) => `${r}@${addrs.map((x) => `0x${x.toString(16)}`).join("/")}`).join(" ")}`,
            )
            .join("\n")
            .concat("\n")
        );
      },
    },
    {
      name: "schedule",
      doc: "tile operations per unit queue in program order, double-buffered slots",
      run: (s) => {
        const lp = needLayers(s, "schedule");
        const ops = scheduleOps(need(s, "plans", "schedule"), need(s, "allocs", "schedule"), {
          hw,
          layout: need(s, "layout", "schedule"),
          batch,
          dtype: lp.dtype,
          residency: need(s, "residency", "schedule"),
        });
        return withStage(s, { ops });
      },
      verify: (s) => {
        if (need(s, "ops", "schedule").length === 0) throw new Error("schedule: no operations");
      },
      print: (s) => disassembleOps(need(s, "ops", "schedule")),
    },
    {
      name: "lower",
      doc: "instructions with dependency tokens, the DRAM image and the manifest",
      run: (s) => {
        const lp = needLayers(s, "lower");
        return {
          ...s,
          program: lowerProgram(lp, need(s, "ops", "lower"), { hw, layout: need(s, "layout", "lower"), batch }),
        };
      },
      verify: () => {},
      print: (s) => (s.program ? disassembleProgram(s.program) : ""),
    },
    {
      name: "verify-program",
      doc: "field ranges, SRAM/DRAM bounds, token balance, freedom from deadlock",
      run: (s) => s,
      verify: (s) => {
        if (!s.program) throw new Error("verify-program: no program");
        verifyProgram(s.program, hw);
      },
      print: (s) => (s.program ? disassembleProgram(s.program) : ""),
    },
  ];
}

function disassembleProgram(p: Program): string {
  return disassembleOps(p.instructions.map((instr) => ({ instr })));
}

function checkBatch(batch: number): number {
  if (!Number.isInteger(batch) || batch < 1 || batch > 1024)
    throw new InputError(`--batch: ${batch} must be an integer from 1 to 1024`);
  return batch;
}

/**
 * Compiles a graph for a machine: the front half and the back half, verified after every pass. A model that
 * carries shapes only — an ONNX whose data file is absent (DESIGN §6: shapes are enough), or, for timing-only work
 * (`calibration: "nominal"`), a zoo model loaded with `weights: "none"` — compiles with zero placeholder weights
 * (LayerProgram.placeholders): the same instructions, data layout and counters as with real weights (the back half
 * reads sizes, never values), and a manifest whose `weightsMissing` makes the simulator refuse a functional run.
 */
export function compileDetailed(graph: Graph, hw: HwConfig, opts: CompileOptions): Compiled {
  // Without weight values no calibration can mean anything: a model whose data is missing is timing-only work.
  if (graph.missingWeights && opts.calibration !== "nominal")
    return compileDetailed(graph, hw, { ...opts, calibration: "nominal" });
  const batch = checkBatch(opts.batch ?? 1);
  const passes = [...FRONT_PASSES, ...backPasses(hw, batch, opts.residency ?? true)];
  const r = runPipeline(graph, { ...opts, hw }, passes);
  if (hw.pool.lanes === 0) {
    const l = needLayers(r.state, "compile").layers.find((x) => "structured" in x && x.structured !== undefined);
    if (l !== undefined)
      throw new InputError(
        `layer '${l.name}' is structured but ${hw.id} has no sum-pool unit (pool.lanes = 0): compile it with --mode dense`,
      );
  }
  const st = stages(r.state);
  const allocs = st.allocs!;
  const layers = needLayers(r.state, "compile");
  let program = r.state.program!;
  let notes = r.notes;
  if (layers.placeholders) {
    const why = graph.missingWeights
      ? missingWeightsNote(graph.missingWeights)
      : `${graph.name}: compiled from shapes only (timing-only): weights and tables are zero placeholders`;
    program = { ...program, manifest: { ...program.manifest, weightsMissing: why } };
    if (graph.missingWeights) notes = [...notes, why];
  }
  return {
    plans: st.plans!,
    allocs,
    layout: st.layout!,
    ops: st.ops!,
    residency: st.residency!,
    program,
    sramPeak: peakUse(allocs),
    notes,
    layers,
    ...(r.dump !== undefined ? { dump: r.dump } : {}),
  };
}

function missingWeightsNote(missing: NonNullable<Graph["missingWeights"]>): string {
  return `${missing.model}: weights are in '${missing.dataFile}', which is missing; compiled with placeholder weights (cycles and energy only)`;
}

export type Compiled = BackResult & {
  readonly notes: readonly string[];
  readonly layers: LayerProgram;
  readonly dump?: string;
};

export function compile(graph: Graph, hw: HwConfig, opts: CompileOptions): Program {
  return compileDetailed(graph, hw, opts).program;
}

/** The back half alone, on a LayerProgram built elsewhere (tests, tools): tile .. verify-program. */
export function compileLayers(
  lp: FrontProgram,
  hw: HwConfig,
  opts: { readonly batch?: number; readonly residency?: boolean } = {},
): BackResult {
  const batch = checkBatch(opts.batch ?? 1);
  let state: PipelineState = {
    graph: { name: lp.model, input: lp.input, output: lp.output, nodes: [], shapes: lp.shapes },
    layers: lp,
  };
  const ctx = { opts: { mode: lp.mode, dtype: lp.dtype, hw }, tol: 1e-3, notes: [] as string[] };
  for (const pass of backPasses(hw, batch, opts.residency ?? true)) {
    state = pass.run(state, ctx);
    pass.verify(state, ctx);
  }
  const st = stages(state);
  return {
    plans: st.plans!,
    allocs: st.allocs!,
    layout: st.layout!,
    ops: st.ops!,
    residency: st.residency!,
    program: state.program!,
    sramPeak: peakUse(st.allocs!),
  };
}
