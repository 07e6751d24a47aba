// Whether a program's parameters (weights, alpha, requantisation tables: the DRAM image's segments) fit the
// machine's on-chip weight store. When they do, every load from them reads the store (simulator/work-dma.ts);
// when they do not, all of them stream from DRAM as on a machine without a store (a partial fit is not modelled).

import type { HwConfig } from "../isa/hw/types.js";
import type { Program } from "../isa/program.js";

export interface WeightPlacement {
  /** Bytes of the program's parameters. */
  readonly paramBytes: number;
  /** Capacity of the on-chip weight store (0: none). */
  readonly storeBytes: number;
  /** True when a store exists and every parameter fits it. */
  readonly fits: boolean;
  /** DRAM byte ranges of the parameters, when they fit. */
  readonly ranges: readonly (readonly [number, number])[];
}

export function placeWeights(program: Program, hw: HwConfig): WeightPlacement {
  const ranges = program.image.map((s): [number, number] => [s.addr, s.addr + s.data.length * s.esize]);
  const paramBytes = ranges.reduce((t, [lo, hi]) => t + hi - lo, 0);
  const storeBytes = hw.wstore.bytes;
  const fits = storeBytes > 0 && paramBytes <= storeBytes;
  return { paramBytes, storeBytes, fits, ranges: fits ? ranges : [] };
}

/** One line for the user: where the parameters live. */
export function weightPlacementText(
  p:
    | Pick<WeightPlacement, "paramBytes" | "storeBytes" | "fits">
    | { param_bytes: number; store_bytes: number; fits: boolean },
): string {
  if ("param_bytes" in p)
    return weightPlacementText({ paramBytes: p.param_bytes, storeBytes: p.store_bytes, fits: p.fits });
  const kb = (b: number) => `${Number((b / 1024).toFixed(1))} KiB`;
  if (p.storeBytes === 0) return `${kb(p.paramBytes)} of parameters from DRAM (no on-chip weight store)`;
  return p.fits
    ? `${kb(p.paramBytes)} of parameters on chip (weight store ${kb(p.storeBytes)}: fits)`
    : `${kb(p.paramBytes)} of parameters do NOT fit the ${kb(p.storeBytes)} weight store: they stream from DRAM`;
}
