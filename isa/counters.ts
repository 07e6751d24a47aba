// Names of the action counters the simulator produces. The hardware config's energy table is keyed by
// exactly these names (a counter without a price is a config error), so energy = counters x prices.

/** Counted actions and their unit of count. */
export const ACTION_COUNTERS = {
  "mac.mult8": "multiplications on 8x8 multipliers (an 8-bit MAC array; a wider operand takes one per pass)",
  "mac.mult16": "multiplications on 16x8 multipliers (a 16-bit MAC array, whatever the operand's width)",
  "mac.add32": "accumulations in the MAC array (one per multiplication)",
  "mac.reg": "bits written to the MAC array's pipeline registers (operand and partial-sum forwarding, weight loads)",
  "pool.add8": "8-bit additions in the sum-pool adder array",
  "pool.add16": "16-bit additions in the sum-pool adder array",
  "pool.add32": "32-bit additions in the sum-pool adder array",
  "vec.add32": "32-bit additions in the vector unit (bias, residual, pooling sums)",
  "vec.mult32": "requantisation multiplications (32-bit x 16-bit multiplier)",
  "vec.shift32": "rounding right shifts",
  "vec.cmp8": "8-bit comparisons (clamp, ReLU, max-pool)",
  "lbuf.read": "bytes read from line buffers (the MAC feed's conv windows, the sum-pool unit's separable passes)",
  "lbuf.write": "bytes written to line buffers",
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
  "wstore.read": "bytes read from the on-chip weight store (parameters that fit it never touch DRAM)",
  "dram.read": "bytes read from DRAM",
  "dram.write": "bytes written to DRAM",
  "wire.bitmm": "bits moved on operand wires times their length in mm (SRAM to unit, and MAC cell to MAC cell)",
  "clock.mac": "cycles the MAC array's clock runs (its busy cycles; clock-gated when idle)",
  "clock.pool": "cycles the sum-pool unit's clock runs",
  "clock.vec": "cycles the vector unit's clock runs",
  "clock.dma": "cycles a DMA engine's clock runs (data phase of a transfer)",
  "dma.addr": "addresses the DMA engines generate (one per tile row on each side of a transfer)",
  "instr.issue": "instructions issued",
} as const;

export type ActionCounter = keyof typeof ACTION_COUNTERS;
export const ACTION_COUNTER_NAMES = Object.keys(ACTION_COUNTERS) as ActionCounter[];

/** The unit an energy price of a counter is quoted in. */
export function priceUnit(counter: string): string {
  if (/^(sram|dram|lbuf|wstore)\./.test(counter)) return "pJ/byte";
  if (counter === "mac.reg") return "pJ/bit";
  if (counter === "wire.bitmm") return "pJ/bit-mm";
  if (counter.startsWith("clock.")) return "pJ/cycle";
  return "pJ";
}

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
  "wstore",
] as const;
export type LeakingUnit = (typeof LEAKING_UNITS)[number];

/**
 * Energy report components (DESIGN §6 report.json totals.energy_pj), by the kind of hardware that spends it:
 * arithmetic of each unit, the MAC array's pipeline registers, clock trees, operand wires, line buffers, SRAM,
 * DRAM, DMA address generation, leakage and instruction issue.
 */
export const ENERGY_COMPONENTS = [
  "mac",
  "registers",
  "clock",
  "wires",
  "sumpool",
  "linebuf",
  "vector",
  "sram",
  "dram",
  "addrgen",
  "leakage",
  "control",
] as const;
export type EnergyComponent = (typeof ENERGY_COMPONENTS)[number];

/** Which component an action counter's energy belongs to. */
export function componentOf(counter: ActionCounter): EnergyComponent {
  if (counter === "mac.reg") return "registers";
  if (counter.startsWith("mac.")) return "mac";
  if (counter.startsWith("pool.")) return "sumpool";
  if (counter.startsWith("vec.")) return "vector";
  if (counter.startsWith("lbuf.")) return "linebuf";
  if (counter.startsWith("sram.") || counter === "wstore.read") return "sram";
  if (counter.startsWith("dram.")) return "dram";
  if (counter.startsWith("wire.")) return "wires";
  if (counter.startsWith("clock.")) return "clock";
  if (counter === "dma.addr") return "addrgen";
  return "control";
}

/**
 * The stages energy is also charged to (report.json totals.energy_by_unit_pj): everything an instruction of a
 * unit caused — its arithmetic, its SRAM and line-buffer traffic, its wires and clock — goes to that unit; DRAM
 * traffic and address generation to the DMA; instruction issue to control; leakage stays apart.
 */
export const STAGES = ["mac", "sumpool", "vector", "dma", "control"] as const;
export type Stage = (typeof STAGES)[number];
