// Where each output row (or column) of a resize reads the input, and with what weights: the real-valued rule of
// ONNX Resize for the modes sumac implements (models/ir.ts ResizeNode). Used by the graph executor and the
// compiler's fp32 reference; the int8 machine uses a fixed-point version of the same rule (isa/resize.ts).
import type { ResizeCoord } from "./ir.js";

/** Output o = w0 · in[i0] + w1 · in[i1]. */
export interface Taps {
  readonly i0: number;
  readonly i1: number;
  readonly w0: number;
  readonly w1: number;
}

/** The input coordinate of output index o (before clamping to the input), per ONNX's coordinate_transformation_mode. */
export function sourceCoordinate(coord: ResizeCoord, o: number, n: number, m: number, scale: number): number {
  switch (coord) {
    case "half_pixel":
      return (o + 0.5) / scale - 0.5;
    case "align_corners":
      return m > 1 ? (o * (n - 1)) / (m - 1) : 0;
    case "asymmetric":
      return o / scale;
  }
}

/**
 * Taps of every output index along one axis of `n` inputs and `m` = n · scale outputs. nearest: floor(o / scale).
 * bilinear: the coordinate clamped to [0, n − 1] (what edge padding gives), its two neighbours and linear weights.
 */
export function resizeTaps(
  mode: "nearest" | "bilinear",
  coord: ResizeCoord,
  n: number,
  m: number,
  scale: number,
): Taps[] {
  const taps: Taps[] = [];
  for (let o = 0; o < m; o++) {
    if (mode === "nearest") {
      const i = Math.min(n - 1, Math.floor(o / scale));
      taps.push({ i0: i, i1: i, w0: 1, w1: 0 });
      continue;
    }
    const x = Math.min(n - 1, Math.max(0, sourceCoordinate(coord, o, n, m, scale)));
    const i0 = Math.floor(x);
    const lambda = x - i0;
    taps.push({ i0, i1: Math.min(i0 + 1, n - 1), w0: 1 - lambda, w1: lambda });
  }
  return taps;
}
