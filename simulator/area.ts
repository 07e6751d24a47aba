// Area per unit from hw.area (um^2 per instance) x instances: MAC array = rows*cols cells, SPU = lanes adders of
// pool.outBits, vector unit = lanes, DMA engines, one SRAM macro per buffer. Reported in mm^2 beside energy.

import { LEAKING_UNITS } from "../isa/counters.js";
import { InputError } from "../isa/errors.js";
import type { HwConfig } from "../isa/hw/types.js";
import { instancesOf } from "./energy.js";

const TO_MM2: Record<string, number> = { "um^2": 1e-6, um2: 1e-6, "mm^2": 1, mm2: 1 };

export function areaMm2(hw: HwConfig): Record<string, number> & { total: number } {
  const out: Record<string, number> = {};
  let total = 0;
  for (const u of LEAKING_UNITS) {
    const a = hw.area[u] ?? hw.area[`area.${u}`];
    if (!a) throw new InputError(`hardware config ${hw.id}: area table has no entry for unit '${u}'`);
    const k = TO_MM2[a.unit];
    if (k === undefined)
      throw new InputError(`hardware config ${hw.id}: area.${u} has unit '${a.unit}' (expected um^2 or mm^2)`);
    const v = a.value * k * instancesOf(hw, u);
    out[u] = v;
    total += v;
  }
  return { ...out, total };
}
