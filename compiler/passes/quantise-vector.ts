// The int8 parameters of the vector-unit layers (compiler/layers.ts), for the quantise pass:
//   act     a 256-entry table: lut[x + 128] = clamp(round(fn(s_in · x) / s_out), lo, hi). Its only error is the
//           output's rounding, at most half an output step (s_out / 2) from fn of the dequantised input: the
//           table is exact at every one of the 255 input codes, where a piecewise-linear fit would add its own.
//   mul     mult / 2^shift = s_a · s_b / s_out (|a · b| ≤ 127², so a · b · mult < 2^29 stays exact).
//   resize  keeps its input's scale (a convex combination never leaves the input's range): the fixed-point taps
//           sum to 2^(2F) (F = RESIZE_FRAC_BITS per axis), so mult / 2^shift = 2^-2F exactly.
//   concat  placement: every input must already be at the output's scale. unifyConcatRanges gives every tensor
//           that meets at a concat (and, through max-pools and resizes, which keep their input's scale, the
//           tensors before them) the largest of their calibrated ranges, so their scales come out equal.
import { activate } from "../../isa/activation.js";
import { InputError } from "../../isa/errors.js";
import { RESIZE_FRAC_BITS } from "../../isa/resize.js";
import { clampInt, quantizeMultiplier, quantizeValue } from "../intmath.js";
import type { ActLayer, ConcatLayer, FrontProgram, Rescale } from "../layers.js";

/** Calibrated ranges with every concat group raised to its largest member's range. */
export function unifyConcatRanges(lp: FrontProgram, ranges: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map(ranges);
  if (!lp.layers.some((l) => l.kind === "concat")) return out;
  const parent = new Map<string, string>();
  const find = (t: string): string => {
    let r = t;
    while (parent.has(r)) r = parent.get(r)!;
    return r;
  };
  const union = (a: string, b: string): void => {
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent.set(ra, rb);
  };
  for (const l of lp.layers) {
    if (l.kind === "concat") for (const t of l.inputs) union(t, l.output);
    if (l.kind === "maxpool" || l.kind === "resize") union(l.inputs[0]!, l.output);
  }
  const groupRange = new Map<string, number>();
  for (const t of out.keys()) {
    const r = find(t);
    groupRange.set(r, Math.max(groupRange.get(r) ?? 0, out.get(t)!));
  }
  for (const t of out.keys()) out.set(t, groupRange.get(find(t))!);
  return out;
}

/** The activation's lookup table from input codes (scale sIn) to output codes (scale sOut), clamp lo..hi included. */
export function actTable(l: ActLayer, sIn: number, sOut: number, lo: number, hi: number): Int32Array {
  const lut = new Int32Array(256);
  for (let i = 0; i < 256; i++)
    lut[i] = clampInt(quantizeValue(activate(l.fn, sIn * (i - 128), l.alpha, l.beta), sOut), lo, hi);
  return lut;
}

export function mulRescale(sA: number, sB: number, sOut: number, lo: number, hi: number): Rescale {
  return { ...quantizeMultiplier((sA * sB) / sOut), lo, hi };
}

export function resizeRescale(lo: number, hi: number): Rescale {
  return { ...quantizeMultiplier(2 ** (-2 * RESIZE_FRAC_BITS)), lo, hi };
}

/**
 * A concat stays placement only when every input already has the output's scale; unifyConcatRanges sees to that
 * except for an input whose scale its producer fixes otherwise (an explicit sum-pool's 2^eShift), refused here.
 */
export function concatPlacement(l: ConcatLayer, sOut: number, scaleOf: (t: string) => number): ConcatLayer {
  const odd = l.inputs.find((t) => scaleOf(t) !== sOut);
  if (odd !== undefined)
    throw new InputError(
      `layer '${l.name}' (concat): input '${odd}' has int8 scale ${scaleOf(odd)}, the output ${sOut}; a concat is placement and needs one scale, which this producer (e.g. an explicit sum-pool) fixes otherwise`,
    );
  return l;
}
