// The resize rule of the vector unit (vop.resize), in fixed point: for output index o of an axis with n inputs
// upsampled by an integer factor s (m = n·s outputs), the two input indices it reads and their integer weights,
// which sum to 2^RESIZE_FRAC_BITS. The position is floor(exact source coordinate · 2^F), clamped to [0, (n−1)·2^F]:
//   nearest        i0 = i1 = floor(o / s)                      (weights 2^F, 0)
//   half_pixel     (o + 1/2) / s − 1/2  = (2o + 1 − s) / 2s    (PyTorch align_corners=False, ONNX half_pixel)
//   align_corners  o · (n − 1) / (m − 1)                      (0 when m = 1)
//   asymmetric     o / s
// A hardware address generator steps these positions; nothing is read from SRAM for the weights.

/** Fraction bits of a resize weight per axis (as OpenCV's INTER_RESIZE_COEF_BITS): each weight is off by less
 * than 2^-11 where the exact coordinate is not a multiple of 2^-11 (half_pixel at power-of-two factors is exact). */
export const RESIZE_FRAC_BITS = 11;

export const RESIZE_MODES = ["nearest", "bilinear"] as const;
export const RESIZE_COORDS = ["half_pixel", "align_corners", "asymmetric"] as const;

export interface FixedTap {
  readonly i0: number;
  readonly i1: number;
  readonly w0: number;
  readonly w1: number;
}

export function fixedTap(
  mode: (typeof RESIZE_MODES)[number],
  coord: (typeof RESIZE_COORDS)[number],
  o: number,
  n: number,
  s: number,
): FixedTap {
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
