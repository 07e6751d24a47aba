// The compiler's pass pipeline (DESIGN §4): one ordered list of named passes, the IR verifier of each pass run
// after it, and `dumpAfter` to get the IR text after any pass. The front half (this file's FRONT_PASSES) turns
// a graph into a LayerProgram; the back half appends its passes (tile, schedule, allocate, lower, verify) with
// the same Pass type and runs `runPipeline(graph, opts, [...FRONT_PASSES, ...BACK_PASSES])`.

import type { HwConfig } from "../isa/hw/types.js";
import { InputError } from "../isa/errors.js";
import type { Program } from "../isa/program.js";
import type { Graph } from "../models/ir.js";
import { inferShapes, printGraph, verifyGraph } from "../models/shapes.js";
import type { FrontProgram, LayerProgram } from "./layers.js";
import { lowerable } from "./lowerable.js";
import {
  type Calibration,
  calibrate,
  nominalCalibration,
  syntheticCount,
  syntheticImages,
  withModelRanges,
} from "./passes/calibrate.js";
import { normalise } from "./passes/normalise.js";
import { type EPolicy, type QuantHw, quantise } from "./passes/quantise.js";
import { type StructSpec, structure } from "./passes/structure.js";
import { printLayers } from "./print-layers.js";
import { verifyLayers } from "./verify-layers.js";

export interface FrontOptions {
  readonly mode: "dense" | "structured";
  readonly dtype: "int8" | "fp32";
  /** Default "auto": the model's structure where given, else detected. A record forces the named layers. */
  readonly struct?: StructSpec;
  /** Name of the struct file, for error messages. */
  readonly structSource?: string;
  /** Structural residual tolerance (default 1e-3). */
  readonly tol?: number;
  /** Calibration images (each the model input's size); default SYNTHETIC_IMAGES seeded N(0,1) images. */
  /**
   * Calibration images, or "nominal": assumed ranges without running anything (for timing-only work, where
   * the requantisation values do not change a single cycle). Default: synthetic images (see syntheticCount).
   */
  readonly calibration?: readonly Float32Array[] | "nominal";
  readonly seed?: number | string;
  /** What a structured layer's sum-pool output E is given (passes/quantise.ts): exact by default, or narrowed. */
  readonly ePolicy?: EPolicy;
  /** Name of the pass after which to capture the IR text (returned in `dump` and given to onDump). */
  readonly dumpAfter?: string;
  readonly onDump?: (pass: string, text: string) => void;
  /** The front half reads only mac.actBits and pool.outBits; the back half needs the whole config. */
  readonly hw: QuantHw;
}

export interface PipelineOptions extends FrontOptions {
  readonly hw: HwConfig;
}

/** What flows between passes. The back half may add fields (declaration merging on this interface). */
export interface PipelineState {
  readonly graph: Graph;
  readonly layers?: FrontProgram;
  /** Max-abs ranges of every tensor and structured window sum (calibrate, int8 only). */
  readonly calibration?: Calibration;
  readonly program?: Program;
  /** Free-form intermediate results of later passes, by pass name. */
  readonly stages?: Readonly<Record<string, unknown>>;
}

export interface PassContext {
  readonly opts: PipelineOptions;
  readonly tol: number;
  /** Notes for the user (structure decisions, shifted E, ...), in pass order. */
  readonly notes: string[];
}

export interface Pass {
  readonly name: string;
  readonly doc: string;
  run(state: PipelineState, ctx: PassContext): PipelineState;
  /** The IR verifier for what this pass produced. Throws on a broken invariant. */
  verify(state: PipelineState, ctx: PassContext): void;
  /** The IR text after this pass (for --dump-after). */
  print(state: PipelineState, ctx: PassContext): string;
}

export const DEFAULT_TOL = 1e-3;

/** The layer program of the front half, of any layer kind. */
export function needFrontLayers(state: PipelineState, pass: string): FrontProgram {
  if (!state.layers) throw new Error(`pass '${pass}': no layer program yet (normalise has not run)`);
  return state.layers;
}

/**
 * The layer program as the back half takes it: only kinds the back end lowers, else an InputError naming the
 * first layer it cannot (compiler/lowerable.ts).
 */
export function needLayers(state: PipelineState, pass: string): LayerProgram {
  return lowerable(needFrontLayers(state, pass));
}

const layerStage = (name: string, doc: string, run: Pass["run"]): Pass => ({
  name,
  doc,
  run,
  verify: (s) => verifyLayers(needFrontLayers(s, name)),
  print: (s) => printLayers(needFrontLayers(s, name)),
});

export const FRONT_PASSES: readonly Pass[] = [
  {
    name: "frontend",
    doc: "the graph IR as the model frontend produced it, shapes inferred",
    run: (s) => ({ ...s, graph: s.graph.shapes.size ? s.graph : inferShapes(s.graph) }),
    verify: (s) => verifyGraph(s.graph),
    print: (s) => printGraph(s.graph),
  },
  layerStage("normalise", "fold BN, fuse ReLU/clip, shortcut and pad, graph -> layers", (s, ctx) => ({
    ...s,
    // Nominal calibration is timing-only work: a model without weight values compiles with zero placeholders.
    layers: normalise(s.graph, ctx.opts.mode, { placeholders: ctx.opts.calibration === "nominal" }),
  })),
  layerStage("structure", "structured (c, n)/R per layer, alpha = A+W on folded weights", (s, ctx) => {
    const r = structure(needFrontLayers(s, "structure"), s.graph, {
      mode: ctx.opts.mode,
      tol: ctx.tol,
      ...(ctx.opts.struct !== undefined ? { struct: ctx.opts.struct } : {}),
      ...(ctx.opts.structSource !== undefined ? { structSource: ctx.opts.structSource } : {}),
    });
    ctx.notes.push(...r.notes);
    return { ...s, layers: r.program };
  }),
  {
    ...layerStage("calibrate", "activation ranges from the fp32 reference executor (int8 only)", (s, ctx) => {
      if (ctx.opts.dtype !== "int8") return s;
      const lp = needFrontLayers(s, "calibrate");
      const given = ctx.opts.calibration;
      if (given === "nominal") {
        ctx.notes.push("calibration: nominal ranges (timing-only); give an input to calibrate on data");
        return { ...s, calibration: nominalCalibration(lp) };
      }
      const images = given ?? syntheticImages(lp, syntheticCount(lp), ctx.opts.seed);
      const measured = calibrate(lp, images);
      if (!s.graph.quant) return { ...s, calibration: measured };
      const q = withModelRanges(measured, s.graph.quant);
      ctx.notes.push(`calibration: ${q.used} activation ranges from the model's QuantizeLinear scales and zero points`);
      return { ...s, calibration: q.calibration };
    }),
    print: (s) => {
      const lp = needFrontLayers(s, "calibrate");
      const c = s.calibration;
      const ranges = c
        ? [
            ...[...c.tensors].map(([t, r]) => `  ${t}: max|x| = ${r.toPrecision(6)}`),
            ...[...c.sums].map(([l, r]) => `  ${l} E: max|E| = ${r.toPrecision(6)}`),
          ]
        : ["  (fp32: no calibration)"];
      return `${printLayers(lp)}ranges\n${ranges.join("\n")}\n`;
    },
  },
  layerStage("quantise", "int8 weights, scales and integer requantisation (int8 only)", (s, ctx) => {
    if (ctx.opts.dtype !== "int8") return s;
    if (!s.calibration) throw new Error("quantise: calibrate has not run");
    const r = quantise(needFrontLayers(s, "quantise"), s.calibration, ctx.opts.ePolicy);
    ctx.notes.push(...r.notes);
    return { ...s, layers: r.program };
  }),
];

/** Names of the front-half passes, in order. */
export const PASSES: readonly string[] = FRONT_PASSES.map((p) => p.name);

export interface PipelineResult {
  readonly state: PipelineState;
  readonly notes: readonly string[];
  /** IR text after `dumpAfter`, when given. */
  readonly dump?: string;
  /** Wall time per pass in ms (run + verify). */
  readonly timings: ReadonlyMap<string, number>;
}

export function runPipeline(
  graph: Graph,
  opts: PipelineOptions,
  passes: readonly Pass[] = FRONT_PASSES,
): PipelineResult {
  if (opts.dumpAfter !== undefined && !passes.some((p) => p.name === opts.dumpAfter))
    throw new InputError(
      `--dump-after: unknown pass '${opts.dumpAfter}' (passes: ${passes.map((p) => p.name).join(", ")})`,
    );
  const tol = opts.tol ?? DEFAULT_TOL;
  if (!(tol > 0 && Number.isFinite(tol))) throw new InputError(`--tol: ${tol} must be a positive number`);
  const ctx: PassContext = { opts, tol, notes: [] };
  let state: PipelineState = { graph };
  let dump: string | undefined;
  const timings = new Map<string, number>();
  // A pass list that goes on to the back half refuses, right after normalise, a layer kind the back end cannot
  // lower (compiler/lowerable.ts), rather than after seconds of calibration.
  const lowering = passes.some((p) => !FRONT_PASSES.includes(p));
  for (const pass of passes) {
    const t0 = performance.now();
    state = pass.run(state, ctx);
    pass.verify(state, ctx);
    if (lowering && pass.name === "normalise") lowerable(needFrontLayers(state, pass.name));
    timings.set(pass.name, performance.now() - t0);
    if (pass.name === opts.dumpAfter) {
      dump = pass.print(state, ctx);
      opts.onDump?.(pass.name, dump);
    }
  }
  return { state, notes: ctx.notes, timings, ...(dump !== undefined ? { dump } : {}) };
}

/** The front half: graph -> verified layer program (quantised when dtype is int8), of any layer kind. */
export function runFront(graph: Graph, opts: FrontOptions): FrontProgram & { readonly notes: readonly string[] } {
  // Front passes read only hw.mac.actBits and hw.pool.outBits, which FrontOptions guarantees.
  const r = runPipeline(graph, opts as PipelineOptions, FRONT_PASSES);
  return Object.assign(needFrontLayers(r.state, "front"), { notes: r.notes });
}
