// The resize rule of the vector unit (vop.resize) and of the graph IR's resize: for output index o of an axis with
// n inputs upsampled by an integer factor s (m = n·s outputs), the two input indices it reads and their weights.
// Real-valued (fp32, ONNX Resize): the source coordinate below, clamped to [0, n − 1] (what ONNX's edge padding
// gives), its two neighbours and linear weights. Fixed point (int8 machine): integer weights summing to
// 2^RESIZE_FRAC_BITS, the position being floor(exact source coordinate · 2^F), clamped to [0, (n−1)·2^F]:
//   nearest        i0 = i1 = floor(o / s)                      (weights 2^F, 0)
//   half_pixel     (o + 1/2) / s − 1/2  = (2o + 1 − s) / 2s    (PyTorch align_corners=False, ONNX half_pixel)
//   align_corners  o · (n − 1) / (m − 1)                      (0 when m = 1)
//   asymmetric     o / s
// A hardware address generator steps these positions; nothing is read from SRAM for the weights.

/** Fraction bits of a resize weight per axis (as OpenCV's INTER_RESIZE_COEF_BITS): each weight is off by less
 * than 2^-11 where the exact coordinate is not a multiple of 2^-11 (half_pixel at power-of-two factors is exact). */
export const RESIZE_FRAC_BITS = 11;

export const RESIZE_MODES = ["nearest", "bilinear"] as const;
export type ResizeMode = (typeof RESIZE_MODES)[number];
export const RESIZE_COORDS = ["half_pixel", "align_corners", "asymmetric"] as const;
export type ResizeCoord = (typeof RESIZE_COORDS)[number];

/** Output o = w0 · in[i0] + w1 · in[i1]. */
export interface Tap {
  readonly i0: number;
  readonly i1: number;
  readonly w0: number;
  readonly w1: number;
}

/** The input coordinate of output o (before clamping), per ONNX's coordinate_transformation_mode. */
export function sourceCoordinate(coord: ResizeCoord, o: number, n: number, m: number, s: number): number {
  switch (coord) {
    case "half_pixel":
      return (o + 0.5) / s - 0.5;
    case "align_corners":
      return m > 1 ? (o * (n - 1)) / (m - 1) : 0;
    case "asymmetric":
      return o / s;
  }
}

/** The real-valued tap of output o. */
export function exactTap(mode: ResizeMode, coord: ResizeCoord, o: number, n: number, s: number): Tap {
  if (mode === "nearest") {
    const i = Math.min(n - 1, Math.floor(o / s));
    return { i0: i, i1: i, w0: 1, w1: 0 };
  }
  const x = Math.min(n - 1, Math.max(0, sourceCoordinate(coord, o, n, n * s, s)));
  const i0 = Math.floor(x);
  const lambda = x - i0;
  return { i0, i1: Math.min(i0 + 1, n - 1), w0: 1 - lambda, w1: lambda };
}

/** The fixed-point tap of output o: integer weights summing to 2^RESIZE_FRAC_BITS. */
export function fixedTap(mode: ResizeMode, coord: ResizeCoord, o: number, n: number, s: number): Tap {
  const one = 1 << RESIZE_FRAC_BITS;
  if (mode === "nearest") {
    const i = Math.min(n - 1, Math.floor(o / s));
    return { i0: i, i1: i, w0: one, w1: 0 };
  }
  const m = n * s;
  const numerator =
    coord === "half_pixel" ? (2 * o + 1 - s) * one : coord === "align_corners" ? o * (n - 1) * one : o * one;
  const denominator = coord === "half_pixel" ? 2 * s : coord === "align_corners" ? m - 1 : s;
  const exact = denominator > 0 ? Math.floor(numerator / denominator) : 0;
  const pos = Math.min((n - 1) * one, Math.max(0, exact));
  const i0 = pos >> RESIZE_FRAC_BITS;
  const frac = pos - i0 * one;
  return { i0, i1: Math.min(i0 + 1, n - 1), w0: one - frac, w1: frac };
}
