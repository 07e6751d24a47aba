// The base energy table: every fixed-width action at 45 nm and 0.9 V (Horowitz ISSCC 2014 and the rows of
// energy-reference.md §7). A configuration scales these to its node and supply (nodes.ts); prices that depend on
// a geometry (SRAM macros, line buffers, the weight store, clock trees) are derived in isa/hw/derive.ts.

import type { ActionCounter } from "../../counters.js";

/** How a price follows the technology: logic (node, vdd), SRAM (node, vddSram), wires (vdd only) or off-chip (fixed). */
export type PriceDomain = "logic" | "sram" | "wire" | "offchip";

export function domainOf(counter: string): PriceDomain {
  if (/^(sram|lbuf|wstore)\./.test(counter)) return "sram";
  if (counter.startsWith("dram.")) return "offchip";
  if (counter.startsWith("wire.")) return "wire";
  return "logic";
}

export interface BasePrice {
  /** pJ (per the counter's unit) at 45 nm and 0.9 V; wire prices at 1.0 V. */
  readonly value: number;
  readonly source: string;
}

/** M1: Aladdin's 1-bit register, 0.009 pJ per write at 40 nm, x 1.151 to 45 nm (techscaling.py). */
export const REGISTER_BIT_PJ = 0.009 * 1.151;

/**
 * Clock-tree load per clocked flip-flop at 45 nm, beyond the flip-flop's own clock pin (which the register price
 * already includes): assumption, 1 fF of clock wire and buffer per sink, charged C V^2 once per cycle.
 */
export const CLOCK_FF_PER_FLOP = 1;

/** Aladdin wire model (aladdin_table.py): 0.2 activity x 1.627 fF/um x 1 mm x (1 V)^2 per bit. */
export const WIRE_PJ_PER_BIT_MM_1V = 0.2 * 1.627;

/** Fixed-width prices; the sram.*, lbuf.*, wstore.* and clock.* entries are derived from the geometry. */
export const BASE_PRICES: Readonly<Partial<Record<ActionCounter, BasePrice>>> = {
  "mac.mult8": { value: 0.2, source: "Horowitz ISSCC 2014, 45 nm 0.9 V: 8-bit int multiply (energy-reference §7 A4)" },
  "mac.mult16": {
    value: 0.4,
    source:
      "A4 0.20 pJ x (16*8)/(8*8): a 16x8 multiplier; energy scales with the product of operand widths (Aladdin intmultiplier, energy-reference §2b; cf. A5 16x16 = 0.79 = 0.20 x 3.95)",
  },
  "mac.add32": { value: 0.1, source: "Horowitz ISSCC 2014, 45 nm: 32-bit int add (energy-reference §7 A3)" },
  "mac.reg": {
    value: REGISTER_BIT_PJ,
    source: "M1: Aladdin register 0.009 pJ per bit written at 40 nm x 1.151 to 45 nm (energy-reference §7 M1)",
  },
  "pool.add8": { value: 0.03, source: "Horowitz ISSCC 2014, 45 nm: 8-bit int add (energy-reference §7 A1)" },
  "pool.add16": { value: 0.05, source: "Horowitz ISSCC 2014 via Sze et al., 45 nm: 16-bit int add (§7 A2)" },
  "pool.add32": { value: 0.1, source: "Horowitz ISSCC 2014, 45 nm: 32-bit int add (energy-reference §7 A3)" },
  "vec.add32": { value: 0.1, source: "Horowitz ISSCC 2014, 45 nm: 32-bit int add (energy-reference §7 A3)" },
  "vec.mult32": {
    value: 1.6,
    source:
      "A4 0.20 pJ x (32*16)/(8*8) for the 32x16 requant multiplier; product-of-widths scaling (cf. A6 32x32 3.1 pJ / 2 = 1.55)",
  },
  "vec.shift32": {
    value: 0.13,
    source: "ShiftAddNet 45 nm unit cost, FIX32 shift (GATECH-EIC/ShiftAddNAS hw_utils.py; energy-reference §7 A9)",
  },
  "vec.cmp8": {
    value: 0.029 * (8 / 32) * 1.151,
    source: "Aladdin 32-bit comparator 0.029 pJ x 8/32 x 1.151 (40->45 nm) (energy-reference §7 A10)",
  },
  "dram.read": {
    value: 64,
    source: "LPDDR4 8 pJ/bit x 8 (Accelergy CactiDRAM type2energy; energy-reference §7 M7); off-chip, not scaled",
  },
  "dram.write": {
    value: 64,
    source: "LPDDR4 8 pJ/bit x 8 (Accelergy CactiDRAM: read = write; energy-reference §7 M7); off-chip, not scaled",
  },
  "wire.bitmm": {
    value: WIRE_PJ_PER_BIT_MM_1V,
    source:
      "Aladdin wire model: 0.2 activity x 1.627 fF/um x 1 mm x (1 V)^2 (aladdin_table.py; energy-reference §7 M8)",
  },
  "dma.addr": {
    value: 0.2063 * 1.151 + 0.1,
    source:
      "one 32-bit counter step (Aladdin counter.csv 0.2063 pJ at 40 nm x 1.151) + one 32-bit address add (A3 0.10 pJ)",
  },
  "instr.issue": {
    value: 128 * REGISTER_BIT_PJ,
    source: "one 128-bit instruction register write, 128 x M1 register bit (energy-reference §7 M1)",
  },
};
