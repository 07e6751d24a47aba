// Integer arithmetic of int8 inference, as compiler/layers.ts fixes it, shared by the quantise pass, the
// back end and the reference executor. The simulator has its own copy of these semantics in isa/ (by design:
// two independent implementations that must agree bit for bit).
//
// Everything is computed in doubles holding integers, exact while |v| < 2^53.

/** Smallest and largest int8 activation codes. Symmetric narrow range: -127..127, so |q| <= 127 everywhere. */
export const Q_MIN = -127;
export const Q_MAX = 127;

/** Requant multipliers live in [2^14, 2^15) (a 15-bit unsigned multiplier), or are 0. */
export const MULT_BITS = 15;
const MULT_LO = 1 << (MULT_BITS - 1);
const MULT_HI = 1 << MULT_BITS;
/** Largest shift the vector unit's par tables use; smaller real scales round to multiplier 0. */
export const MAX_SHIFT = 62;

/** roundShift(v, s) = s == 0 ? v : floor((v + 2^(s-1)) / 2^s): rounding right shift, ties up. */
export function roundShift(v: number, s: number): number {
  if (s === 0) return v;
  const d = 2 ** s;
  return Math.floor((v + d / 2) / d);
}

/** Clamp an integer to the signed range of `bits` bits (saturation). */
export function saturate(v: number, bits: number): number {
  const hi = 2 ** (bits - 1) - 1;
  const lo = -(2 ** (bits - 1));
  return v > hi ? hi : v < lo ? lo : v;
}

export function clampInt(v: number, lo: number, hi: number): number {
  return v > hi ? hi : v < lo ? lo : v;
}

/** requant(acc) = clamp(roundShift((acc + bias) * mult, shift), lo, hi). */
export function requantValue(acc: number, bias: number, mult: number, shift: number, lo: number, hi: number): number {
  return clampInt(roundShift((acc + bias) * mult, shift), lo, hi);
}

export interface FixedPoint {
  /** Integer in [2^14, 2^15), or 0 when the real value is 0 or too small to represent. */
  readonly mult: number;
  readonly shift: number;
}

/**
 * A real scale 0 <= real < 2^15 as mult / 2^shift with mult in [2^14, 2^15): relative error <= 2^-15.
 * A scale below 2^-(MAX_SHIFT-14) becomes mult 0 (the output is then always 0).
 */
export function quantizeMultiplier(real: number): FixedPoint {
  if (!(real >= 0) || !Number.isFinite(real)) throw new Error(`quantizeMultiplier: bad scale ${real}`);
  if (real === 0) return { mult: 0, shift: 0 };
  let shift = MULT_BITS - 1 - Math.floor(Math.log2(real));
  let mult = Math.round(real * 2 ** shift);
  // log2 can be off by one ulp at powers of two; rounding can reach 2^15.
  while (mult >= MULT_HI) {
    shift -= 1;
    mult = Math.round(real * 2 ** shift);
  }
  while (mult < MULT_LO) {
    shift += 1;
    mult = Math.round(real * 2 ** shift);
  }
  if (shift < 0) throw new Error(`quantizeMultiplier: scale ${real} too large`);
  if (shift > MAX_SHIFT) return { mult: 0, shift: 0 };
  return { mult, shift };
}

/**
 * Two real scales ra, rb as ma / 2^shift, mb / 2^shift with one shared shift, chosen so that the larger of
 * ma, mb lies in [2^14, 2^15) (the residual add's a*ma + b*mb).
 */
export function quantizeMultiplierPair(ra: number, rb: number): { ma: number; mb: number; shift: number } {
  const big = quantizeMultiplier(Math.max(ra, rb));
  if (big.mult === 0) return { ma: 0, mb: 0, shift: 0 };
  const f = 2 ** big.shift;
  return { ma: Math.round(ra * f), mb: Math.round(rb * f), shift: big.shift };
}

/** Symmetric per-tensor scale for a max-abs range: real = scale * q, |q| <= 127. A zero range gets scale 1. */
export function scaleForRange(maxAbs: number): number {
  return maxAbs > 0 && Number.isFinite(maxAbs) ? maxAbs / Q_MAX : 1;
}

/** Round-to-nearest (ties away from zero, as Math.round is not) then saturate to Q_MIN..Q_MAX. */
export function quantizeValue(x: number, scale: number): number {
  const v = x / scale;
  const r = v < 0 ? -Math.round(-v) : Math.round(v);
  return clampInt(r, Q_MIN, Q_MAX);
}

/**
 * Smallest right shift s such that the worst-case window sum (|x| <= 127 summed over `volume` values)
 * fits `bits` signed bits after roundShift, and (when `macTerms` > 0) such that a dot product of `macTerms`
 * such values with int8 weights cannot overflow an int32 accumulator.
 */
export function sumShift(volume: number, bits: number, macTerms = 0): number {
  const worst = Q_MAX * volume;
  for (let s = 0; s < 53; s++) {
    const e = roundShift(worst, s);
    if (e > 2 ** (bits - 1) - 1) continue;
    if (macTerms > 0 && e * Q_MAX * macTerms > 2 ** 31 - 1) continue;
    return s;
  }
  throw new Error(`sumShift: no shift fits volume ${volume} in ${bits} bits`);
}
