// Names of the action counters the simulator produces. The hardware config's energy table is keyed by
// exactly these names (a counter without a price is a config error), so energy = counters x prices.

/** Counted actions and their unit of count. */
export const ACTION_COUNTERS = {
  "mac.mult8": "8-bit activation x 8-bit weight multiplications",
  "mac.mult16": "16-bit activation x 8-bit weight multiplications",
  "mac.add32": "32-bit accumulations in the MAC array",
  "pool.add8": "8-bit additions in the sum-pool adder array",
  "pool.add16": "16-bit additions in the sum-pool adder array",
  "pool.add32": "32-bit additions in the sum-pool adder array",
  "vec.add32": "32-bit additions in the vector unit (bias, residual, pooling sums)",
  "vec.mult32": "requantisation multiplications (32-bit x 16-bit multiplier)",
  "vec.shift32": "rounding right shifts",
  "vec.cmp8": "8-bit comparisons (clamp, ReLU, max-pool)",
  "sram.act.read": "bytes read from the activation SRAM",
  "sram.act.write": "bytes written to the activation SRAM",
  "sram.pool.read": "bytes read from the pool (E) SRAM",
  "sram.pool.write": "bytes written to the pool (E) SRAM",
  "sram.wgt.read": "bytes read from the weight SRAM",
  "sram.wgt.write": "bytes written to the weight SRAM",
  "sram.acc.read": "bytes read from the accumulator SRAM",
  "sram.acc.write": "bytes written to the accumulator SRAM",
  "sram.par.read": "bytes read from the parameter SRAM",
  "sram.par.write": "bytes written to the parameter SRAM",
  "dram.read": "bytes read from DRAM",
  "dram.write": "bytes written to DRAM",
  "instr.issue": "instructions issued",
} as const;

export type ActionCounter = keyof typeof ACTION_COUNTERS;
export const ACTION_COUNTER_NAMES = Object.keys(ACTION_COUNTERS) as ActionCounter[];

/** Units that leak every cycle they are powered; the config prices leakage per unit in uW. */
export const LEAKING_UNITS = [
  "mac",
  "pool",
  "vec",
  "dma",
  "sram.act",
  "sram.pool",
  "sram.wgt",
  "sram.acc",
  "sram.par",
] as const;
export type LeakingUnit = (typeof LEAKING_UNITS)[number];

/** Energy report components (DESIGN §6 report.json totals.energy_pj). */
export const ENERGY_COMPONENTS = ["mac", "sumpool", "vector", "sram", "dram", "leakage", "control"] as const;
export type EnergyComponent = (typeof ENERGY_COMPONENTS)[number];

/** Which component an action counter's energy belongs to. */
export function componentOf(counter: ActionCounter): EnergyComponent {
  if (counter.startsWith("mac.")) return "mac";
  if (counter.startsWith("pool.")) return "sumpool";
  if (counter.startsWith("vec.")) return "vector";
  if (counter.startsWith("sram.")) return "sram";
  if (counter.startsWith("dram.")) return "dram";
  return "control";
}
