// report.json (DESIGN §6) built from a simulation result. Field meanings (also in docs/report.schema.json):
// - totals.macs: MAC operations the array did; mults: MAC multiplications + vector multiplications;
//   adds: every hardware addition (MAC accumulations + sum-pool adds + vector adds); spu_adds: sum-pool adds only.
// - utilization.<unit>: busy cycles / total cycles (DMA: cycles the DRAM port moved data);
//   efficiency.<unit>: work / (peak x cycles).
// - layers[].energy_pj: the layer's dynamic energy plus leakage over the layer's own cycles.
// - paper: the compiler's paper-convention counts (DESIGN §1), summed over layers.

import { ACTION_COUNTER_NAMES, type ActionCounter } from "../isa/counters.js";
import type { HwConfig, Sourced } from "../isa/hw/types.js";
import type { Program } from "../isa/program.js";
import { areaMm2 } from "./area.js";
import type { QueueStats, ReportUnit, WorkTotals } from "./counters.js";
import { FP32_ENERGY_NOTE, type EnergyBreakdown, type StageBreakdown } from "./energy.js";
import type { SimResult } from "./simulate.js";

export interface LayerReport {
  name: string;
  kind: string;
  cycles: number;
  start: number;
  end: number;
  bound_cycles: number;
  macs: number;
  mults: number;
  adds: number;
  spu_adds: number;
  dram_bytes: number;
  energy_pj: number;
  energy: EnergyBreakdown;
  c: number | null;
  n: number | null;
  R: number | null;
  residual: number | null;
  busy: Record<ReportUnit, number>;
  paper: { macs: number; adds: number; mults: number; params: number };
}

export interface Report {
  format: "sumac-report-1";
  model: string;
  mode: string;
  dtype: string;
  batch: number;
  engine: string;
  timing_only: boolean;
  hw: { id: string; clock_mhz: number; hash: string; preset: string; resolved: HwConfig };
  totals: {
    cycles: number;
    seconds: number;
    macs: number;
    mults: number;
    adds: number;
    spu_adds: number;
    params: number;
    dram_bytes: number;
    instructions: number;
    energy_pj: EnergyBreakdown;
    /** The same energy charged to the unit whose instructions caused it (DRAM and address generation: dma). */
    energy_by_unit_pj: StageBreakdown;
    /** Set when energy is not priced (fp32). */
    energy_note?: string;
    /** Where the parameters live: the on-chip weight store when they fit it, else DRAM. */
    weights_on_chip: { param_bytes: number; store_bytes: number; fits: boolean };
    utilization: Record<ReportUnit, number>;
    efficiency: { mac: number; sumpool: number };
    busy: Record<ReportUnit, number>;
    bound_cycles: number;
    area_mm2: Record<string, number>;
    paper: { macs: number; adds: number; mults: number; params: number };
  };
  counters: Record<ActionCounter, number>;
  prices: Record<string, Sourced>;
  leakage: Record<string, Sourced>;
  stalls: Record<string, { busy: number; instructions: number; token_wait: Record<string, number>; dram_wait: number }>;
  layers: LayerReport[];
}

export const adds = (w: WorkTotals): number =>
  w["mac.add32"] + w["pool.add8"] + w["pool.add16"] + w["pool.add32"] + w["vec.add32"];
export const mults = (w: WorkTotals): number => w["mac.mult8"] + w["mac.mult16"] + w["vec.mult32"];

/** Rounds for the report; a figure that is not a number (energy of an fp32 run) stays NaN, null in JSON. */
const round = (x: number, d = 6): number =>
  Number.isFinite(x) ? Number(x.toPrecision(d + 6)) : Number.isNaN(x) ? NaN : 0;

export function buildReport(program: Program, result: SimResult, hw: HwConfig): Report {
  const m = program.manifest;
  const c = result.counters;
  const cycles = c.cycles;
  const frac = (x: number) => (cycles > 0 ? x / cycles : 0);
  const utilization = {
    mac: frac(c.busy.mac),
    sumpool: frac(c.busy.sumpool),
    vector: frac(c.busy.vector),
    dma: frac(c.busy.dma),
  };
  const paper = { macs: 0, adds: 0, mults: 0, params: 0 };
  for (const l of m.layers) for (const k of ["macs", "adds", "mults", "params"] as const) paper[k] += l.paper[k];
  const counters = Object.fromEntries(ACTION_COUNTER_NAMES.map((k) => [k, c.work[k]])) as Record<ActionCounter, number>;
  const stalls: Report["stalls"] = {};
  for (const [q, s] of Object.entries<QueueStats>(c.queues))
    stalls[q] = { busy: s.busy, instructions: s.instructions, token_wait: s.tokenStall, dram_wait: s.dramStall };
  const layers = c.layers.map((l, i): LayerReport => {
    const e = result.layerEnergy[i]!.energy;
    return {
      name: l.info.name,
      kind: l.info.kind,
      cycles: l.cycles,
      start: l.firstStart,
      end: l.lastEnd,
      bound_cycles: round(l.boundCycles),
      macs: l.work.macs,
      mults: mults(l.work),
      adds: adds(l.work),
      spu_adds: l.work.spu_adds,
      dram_bytes: l.work.dram_bytes,
      energy_pj: round(e.total),
      energy: e,
      c: l.info.c,
      n: l.info.n,
      R: l.info.R,
      residual: l.info.residual,
      busy: l.busy,
      paper: { ...l.info.paper },
    };
  });
  return {
    format: "sumac-report-1",
    model: m.model,
    mode: m.mode,
    dtype: m.dtype,
    batch: m.batch,
    engine: result.schedule.engine,
    timing_only: result.timingOnly,
    hw: { id: hw.id, clock_mhz: hw.clock_mhz, hash: hw.hash, preset: hw.preset, resolved: hw },
    totals: {
      cycles,
      seconds: cycles / (hw.clock_mhz * 1e6),
      macs: c.work.macs,
      mults: mults(c.work),
      adds: adds(c.work),
      spu_adds: c.work.spu_adds,
      params: paper.params,
      dram_bytes: c.work.dram_bytes,
      instructions: program.instructions.length,
      energy_pj: result.energy,
      energy_by_unit_pj: result.stageEnergy,
      ...(result.priced ? {} : { energy_note: FP32_ENERGY_NOTE }),
      weights_on_chip: {
        param_bytes: result.weights.paramBytes,
        store_bytes: result.weights.storeBytes,
        fits: result.weights.fits,
      },
      utilization,
      efficiency: {
        mac: frac(c.work.macs / (hw.mac.rows * hw.mac.cols)),
        sumpool: hw.pool.lanes > 0 ? frac(c.work.spu_adds / hw.pool.lanes) : 0,
      },
      busy: c.busy,
      bound_cycles: round(c.boundCycles),
      area_mm2: areaMm2(hw),
      paper,
    },
    counters,
    prices: Object.fromEntries(ACTION_COUNTER_NAMES.map((k) => [k, hw.energy[k]!])),
    leakage: { ...hw.leakage },
    stalls,
    layers,
  };
}
