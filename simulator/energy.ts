// Energy = counters x prices, in one pure function (DESIGN §2). Dynamic energy: every action counter times its
// price in hw.energy (pJ), summed per component (isa/counters.ts componentOf; instr.issue is "control").
// Leakage: every leaking unit's power (hw.leakage, uW per instance) x its instance count x the run time:
//   pJ = uW x cycles / clock_MHz   (1 uW for 1 us = 1 pJ).
// A counter or leaking unit without a price is an error that names it.

import {
  ACTION_COUNTER_NAMES,
  componentOf,
  ENERGY_COMPONENTS,
  LEAKING_UNITS,
  type ActionCounter,
  type EnergyComponent,
} from "../isa/counters.js";
import { InputError } from "../isa/errors.js";
import type { HwConfig, Sourced } from "../isa/hw/types.js";

export type EnergyBreakdown = Record<EnergyComponent | "total", number>;

export function priceOf(hw: HwConfig, counter: ActionCounter): Sourced {
  const p = hw.energy[counter];
  if (!p) throw new InputError(`hardware config ${hw.id}: energy table has no price for counter '${counter}'`);
  return p;
}

/** Instances of a leaking unit (from the resolved config, else from its geometry). */
export function instancesOf(hw: HwConfig, unit: string): number {
  const given = hw.instances?.[unit];
  if (given !== undefined) return given;
  switch (unit) {
    case "mac":
      return hw.mac.rows * hw.mac.cols;
    case "pool":
      return hw.pool.lanes;
    case "vec":
      return hw.vector.lanes;
    case "dma":
      return 2;
    default:
      return 1;
  }
}

/** Total leakage power in uW. */
export function leakagePowerUw(hw: HwConfig): number {
  let uw = 0;
  for (const u of LEAKING_UNITS) {
    const p = hw.leakage[u] ?? hw.leakage[`leak.${u}`];
    if (!p) throw new InputError(`hardware config ${hw.id}: leakage table has no entry for unit '${u}'`);
    uw += p.value * instancesOf(hw, u);
  }
  return uw;
}

export function energy(
  counters: Readonly<Record<ActionCounter, number>>,
  cycles: number,
  hw: HwConfig,
): EnergyBreakdown {
  const out = Object.fromEntries([...ENERGY_COMPONENTS, "total"].map((k) => [k, 0])) as EnergyBreakdown;
  for (const c of ACTION_COUNTER_NAMES) {
    const n = counters[c];
    if (!n) continue;
    out[componentOf(c)] += n * priceOf(hw, c).value;
  }
  out.leakage = (leakagePowerUw(hw) * cycles) / hw.clock_mhz;
  for (const k of ENERGY_COMPONENTS) out.total += out[k];
  return out;
}
