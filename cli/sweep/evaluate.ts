// One design point of a sweep: compile a model for a config and simulate its timing. Runs inside a worker thread,
// so it keeps per-thread caches of the loaded graph and of the front half (which depends on the config only
// through mac.actBits and pool.outBits).
import * as fs from "node:fs";
import type { Graph } from "../../models/ir.js";
import { loadModel } from "../../models/zoo.js";
import { runFront } from "../../compiler/pipeline.js";
import { compileLayers } from "../../compiler/compile.js";
import type { FrontProgram } from "../../compiler/layers.js";
import { resolveHw } from "../../isa/hw/config.js";
import { simulate } from "../../simulator/simulate.js";
import { buildReport } from "../../simulator/report.js";

export interface PointRequest {
  readonly model: string;
  readonly preset?: string;
  readonly hwFile?: { readonly path: string; readonly text: string };
  readonly sets: readonly string[];
  readonly mode: "dense" | "structured";
  readonly dtype: "int8" | "fp32";
  readonly weights?: "random" | "file";
}

export interface PointResult {
  readonly sets: readonly string[];
  readonly mode: "dense" | "structured";
  readonly hw_id: string;
  readonly cycles: number;
  readonly latency_ms: number;
  readonly energy_uj: number;
  readonly energy_pj: Readonly<Record<string, number>>;
  readonly macs: number;
  readonly mults: number;
  readonly adds: number;
  readonly dram_bytes: number;
  readonly utilization: Readonly<Record<string, number>>;
  readonly area_mm2: number;
}

const graphs = new Map<string, Graph>();
const fronts = new Map<string, FrontProgram>();

export function evaluatePoint(req: PointRequest): PointResult {
  const hw = resolveHw({
    ...(req.preset ? { preset: req.preset } : {}),
    ...(req.hwFile ? { file: req.hwFile } : {}),
    sets: req.sets,
  });
  const gkey = `${req.model}|${req.weights ?? "random"}`;
  let graph = graphs.get(gkey);
  if (!graph) {
    graph = loadModel(req.model, { readFile: (p) => fs.readFileSync(p), weights: req.weights ?? "random" });
    graphs.set(gkey, graph);
  }
  const fkey = `${gkey}|${req.mode}|${req.dtype}|${hw.mac.actBits}|${hw.pool.outBits}`;
  let lp = fronts.get(fkey);
  if (!lp) {
    lp = runFront(graph, { mode: req.mode, dtype: req.dtype, hw, calibration: "nominal" }); // timing only
    fronts.set(fkey, lp);
  }
  const program = compileLayers(lp, hw).program;
  const result = simulate(program, hw, { timingOnly: true });
  const r = buildReport(program, result, hw);
  const area = r.totals.area_mm2;
  return {
    sets: req.sets,
    mode: req.mode,
    hw_id: hw.id,
    cycles: r.totals.cycles,
    latency_ms: r.totals.seconds * 1e3,
    energy_uj: r.totals.energy_pj.total / 1e6,
    energy_pj: { ...r.totals.energy_pj },
    macs: r.totals.macs,
    mults: r.totals.mults,
    adds: r.totals.adds,
    dram_bytes: r.totals.dram_bytes,
    utilization: { ...r.totals.utilization },
    area_mm2: area["total"] ?? 0,
  };
}
