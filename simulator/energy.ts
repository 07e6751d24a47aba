// Energy = counters x prices, in one pure function (DESIGN §2). Dynamic energy: every action counter times its
// price in hw.energy, summed per component (isa/counters.ts componentOf) and, from the per-queue work, per stage
// (isa/counters.ts STAGES: each unit is charged everything its instructions caused). Leakage: every leaking unit's
// power (hw.leakage, uW per instance) x its instance count x the run time:
//   pJ = uW x cycles / clock_MHz   (1 uW for 1 us = 1 pJ).
// A counter or leaking unit without a price is an error that names it.
// fp32 programs are sumac's functional reference mode: the machine's datapath is int8 (its SRAM, DRAM and timing
// count 1-byte elements), so no price applies and every energy figure is NaN (null in JSON) with a note.

import {
  ACTION_COUNTER_NAMES,
  componentOf,
  ENERGY_COMPONENTS,
  LEAKING_UNITS,
  STAGES,
  type ActionCounter,
  type EnergyComponent,
  type Stage,
} from "../isa/counters.js";
import { InputError } from "../isa/errors.js";
import type { HwConfig, Sourced } from "../isa/hw/types.js";

export type EnergyBreakdown = Record<EnergyComponent | "total", number>;
export type StageBreakdown = Record<Stage | "leakage" | "total", number>;

/** Why fp32 runs carry no energy figures. */
export const FP32_ENERGY_NOTE =
  "energy is not priced in fp32 mode: fp32 is the functional reference (the machine's datapath, SRAM and DRAM are int8), so its cycles are the int8 schedule's and no price applies; run --dtype int8 for energy";

export function priceOf(hw: HwConfig, counter: ActionCounter): Sourced {
  const p = hw.energy[counter];
  if (!p) throw new InputError(`hardware config ${hw.id}: energy table has no price for counter '${counter}'`);
  return p;
}

/** Instances of a leaking unit. */
export function instancesOf(hw: HwConfig, unit: string): number {
  return hw.instances[unit] ?? 0;
}

/** Total leakage power in uW. */
export function leakagePowerUw(hw: HwConfig): number {
  let uw = 0;
  for (const u of LEAKING_UNITS) {
    const p = hw.leakage[u];
    if (!p) throw new InputError(`hardware config ${hw.id}: leakage table has no entry for unit '${u}'`);
    uw += p.value * instancesOf(hw, u);
  }
  return uw;
}

/** Leakage energy over `cycles`, pJ. */
export function leakageEnergy(hw: HwConfig, cycles: number): number {
  return (leakagePowerUw(hw) * cycles) / hw.clock_mhz;
}

/** Dynamic energy of a set of counters, pJ. */
export function dynamicEnergy(counters: Readonly<Record<ActionCounter, number>>, hw: HwConfig): number {
  let pj = 0;
  for (const c of ACTION_COUNTER_NAMES) if (counters[c]) pj += counters[c] * priceOf(hw, c).value;
  return pj;
}

export function energy(
  counters: Readonly<Record<ActionCounter, number>>,
  cycles: number,
  hw: HwConfig,
  priced = true,
): EnergyBreakdown {
  const out = Object.fromEntries([...ENERGY_COMPONENTS, "total"].map((k) => [k, priced ? 0 : NaN])) as EnergyBreakdown;
  if (!priced) return out;
  for (const c of ACTION_COUNTER_NAMES) {
    const n = counters[c];
    if (!n) continue;
    out[componentOf(c)] += n * priceOf(hw, c).value;
  }
  out.leakage = leakageEnergy(hw, cycles);
  for (const k of ENERGY_COMPONENTS) out.total += out[k];
  return out;
}

/** Energy charged to each stage from the work of its queue (isa QUEUES order: ld, st, pool, mac, vec; then ctl). */
export function stageEnergy(
  byQueue: Readonly<Record<string, Readonly<Record<ActionCounter, number>>>>,
  cycles: number,
  hw: HwConfig,
  priced = true,
): StageBreakdown {
  const out = Object.fromEntries([...STAGES, "leakage", "total"].map((k) => [k, priced ? 0 : NaN])) as StageBreakdown;
  if (!priced) return out;
  const stageOfQueue: Record<string, Stage> = { ld: "dma", st: "dma", pool: "sumpool", mac: "mac", vec: "vector" };
  for (const [q, counters] of Object.entries(byQueue)) {
    const stage = stageOfQueue[q] ?? "control";
    // instruction issue is the dispatcher's, whichever queue the instruction goes to
    const issue = counters["instr.issue"] * priceOf(hw, "instr.issue").value;
    out[stage] += dynamicEnergy(counters, hw) - issue;
    out.control += issue;
  }
  out.leakage = leakageEnergy(hw, cycles);
  for (const k of [...STAGES, "leakage"] as const) out.total += out[k];
  return out;
}
