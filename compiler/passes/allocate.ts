// Allocate pass: SRAM byte addresses for every slot of every layer's tile plan.
// Slots are packed from address 0; tensors kept on chip between layers (residency.ts) sit above every slot of the
// layers they live through, so each layer may otherwise use the whole buffer; slots of one layer never overlap.
// Reuse of an address by a later tile or layer is made safe by the schedule pass, which derives a
// dependency (and so a token) from every overlapping earlier access.

import type { HwConfig, BufferName } from "../../isa/hw/types.js";
import { SRAM_ADDR_UNIT } from "../../isa/instructions.js";
import type { LayerPlan, SlotNeed } from "./tile.js";

export interface Allocation {
  /** role -> slot byte addresses (one per slot). */
  readonly slots: ReadonlyMap<SlotNeed["role"], readonly number[]>;
  /** Bytes used per buffer (peak of this layer). */
  readonly used: Readonly<Record<BufferName, number>>;
}

export function allocateLayer(plan: LayerPlan, hw: HwConfig): Allocation {
  const next: Record<BufferName, number> = { act: 0, pool: 0, wgt: 0, acc: 0, par: 0 };
  const slots = new Map<SlotNeed["role"], number[]>();
  for (const need of plan.slots) {
    const addrs: number[] = [];
    for (let i = 0; i < need.count; i++) {
      const at = next[need.buf];
      if (at % SRAM_ADDR_UNIT !== 0)
        throw new Error(`allocate: unaligned slot in ${need.buf} for layer '${plan.layer.name}'`);
      addrs.push(at);
      next[need.buf] = at + need.bytes;
    }
    slots.set(need.role, addrs);
  }
  for (const b of Object.keys(next) as BufferName[]) {
    if (next[b] > hw.sram[b].bytes)
      throw new Error(`allocate: layer '${plan.layer.name}' overflows ${b} SRAM (${next[b]} > ${hw.sram[b].bytes})`);
  }
  return { slots, used: next };
}

export function allocateProgram(plans: readonly LayerPlan[], hw: HwConfig): Allocation[] {
  return plans.map((p) => allocateLayer(p, hw));
}

/** Peak bytes per buffer over all layers. */
export function peakUse(allocs: readonly Allocation[]): Record<BufferName, number> {
  const peak: Record<BufferName, number> = { act: 0, pool: 0, wgt: 0, acc: 0, par: 0 };
  for (const a of allocs) for (const b of Object.keys(peak) as BufferName[]) peak[b] = Math.max(peak[b], a.used[b]);
  return peak;
}
