// The vector unit: `lanes` lanes, each handling one element per cycle; cycles = ceil(elements / lanes) + fill,
// where `elements` is the larger of the elements it reads from its main operand and the elements it writes
// (a pooling window streams through every input it covers).

import type { HwConfig } from "../hw/types.js";

export function vecCycles(elements: number, hw: Pick<HwConfig, "vector">): number {
  return Math.ceil(elements / hw.vector.lanes) + hw.vector.fill;
}

/** Input taps a resized output reads: one (nearest) or the 2×2 neighbourhood (bilinear); vop.resize streams them. */
export function resizeTaps(mode: "nearest" | "bilinear"): number {
  return mode === "nearest" ? 1 : 4;
}
