// The sum-pool unit (SPU): `lanes` adders, each doing one addition per cycle.
//
// Work (adds), defined exactly from the window and the tile:
//   direct:    every output is an adder tree over its window: (kc*kh*kw - 1) adds per output.
//   separable: three running-sum passes, channel then row then column. Along one line of L inputs with a window of
//              k taps at dilation d, the line splits into d interleaved chains; a chain of Lj >= k inputs costs
//              (k - 1) adds for its first output and 2 adds (add the new tap, subtract the old) for each further
//              one. A pass with k = 1 costs nothing. The intermediate planes stay in the unit's line buffers.
// Timing: each pass takes ceil(adds_of_pass / lanes) cycles, passes run one after another, plus the pipeline
// fill `pool.fill`; a window of one tap (a copy) takes ceil(outputs / lanes). So cycles >= adds / lanes always,
// which keeps every layer at or above its bound_cycles.
// SRAM ports cap the unit's bandwidth: the first pass cannot go faster than the act SRAM delivers the input tile
// (one row of sram.act.rowBits per cycle) and the last pass than the pool SRAM takes E (one row per cycle), so
// those passes take at least ceil(input bytes / act row bytes) and ceil(E bytes / pool row bytes) cycles.

import type { HwConfig } from "../hw/types.js";

export interface PoolShape {
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly kc: number;
  readonly kh: number;
  readonly kw: number;
  readonly dil: number;
  readonly separable: boolean;
  /** Bytes per element of E (default pool.outBits / 8); the input is int8. */
  readonly eBytes?: number;
}

/** Adds along `lines` lines of `L` inputs, window `k`, dilation `d` (running sums). */
function runningSumAdds(lines: number, L: number, k: number, d: number): number {
  if (k <= 1 || lines <= 0) return 0;
  let perLine = 0;
  for (let j = 0; j < d; j++) {
    const Lj = Math.floor((L - j + d - 1) / d);
    const outs = Lj - k + 1;
    if (outs > 0) perLine += k - 1 + 2 * (outs - 1);
  }
  return lines * perLine;
}

export function poolOutputs(s: PoolShape): { co: number; ho: number; wo: number; outputs: number } {
  const co = s.c - s.kc + 1,
    ho = s.h - s.dil * (s.kh - 1),
    wo = s.w - s.dil * (s.kw - 1);
  return { co, ho, wo, outputs: co > 0 && ho > 0 && wo > 0 ? co * ho * wo : 0 };
}

/** Adds of each pass (direct: one pass). */
export function poolPassAdds(s: PoolShape): number[] {
  const { co, ho, outputs } = poolOutputs(s);
  if (outputs === 0) return [0];
  if (!s.separable) return [(s.kc * s.kh * s.kw - 1) * outputs];
  return [
    runningSumAdds(s.h * s.w, s.c, s.kc, 1),
    runningSumAdds(co * s.w, s.h, s.kh, s.dil),
    runningSumAdds(co * ho, s.w, s.kw, s.dil),
  ];
}

export function poolCycles(s: PoolShape, hw: Pick<HwConfig, "pool" | "sram">): number {
  const lanes = Math.max(1, hw.pool.lanes);
  const inCycles = Math.ceil((s.c * s.h * s.w) / (hw.sram.act.rowBits / 8));
  const eBytes = s.eBytes ?? hw.pool.outBits / 8;
  const outCycles = Math.ceil((poolOutputs(s).outputs * eBytes) / (hw.sram.pool.rowBits / 8));
  const active = poolPassAdds(s)
    .filter((a) => a > 0)
    .map((a) => Math.ceil(a / lanes));
  if (active.length === 0)
    return Math.max(Math.ceil(poolOutputs(s).outputs / lanes), inCycles, outCycles) + hw.pool.fill;
  active[0] = Math.max(active[0]!, inCycles);
  active[active.length - 1] = Math.max(active[active.length - 1]!, outCycles);
  return active.reduce((a, b) => a + b, 0) + hw.pool.fill;
}
