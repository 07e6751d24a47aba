// quantise: int8 inference parameters for every layer (DESIGN §4 step 4).
//
// Activations: symmetric per-tensor scales s = maxAbs / 127 from calibration (real = s * q, q in -127..127).
// Weights (dense W, or alpha of a structured layer): symmetric per output channel, s_w[o] = max|w[o]| / 127.
// conv/fc: acc = sum q_w * q_x (int32), bias = round(b / (s_x * s_w)), requant = s_x * s_w / s_out as
//   mult / 2^shift with mult in [2^14, 2^15); clamp from the fused ReLU/ReLU6 in integer units.
// Structured conv/fc: E = exact integer window sum of the int8 input (|E| <= 127 * volume). The E policy decides
//   how E reaches the MAC array (the pool instruction's `bits` and `shift`; E's scale is s_x * 2^eShift):
//   exact (default): E keeps every bit: eBits is the narrowest of 8/16/32 that holds the worst-case sum
//     127 * volume, eShift 0, so the structured lowering computes exactly what the structured convolution does;
//     a MAC array narrower than E pays for it in passes (simulator/work-mac.ts). The one exception keeps the
//     int32 accumulator exact: when even the calibrated max |E| times the largest row sum of |int8 weights|
//     could overflow int32, E is shifted by the smallest amount that prevents it, and a note says so.
//   narrow to 8 or 16 bits (--e-bits, lossy, only on request): eBits = min(exact width, requested), and E is
//     brought there by a rounding right shift then saturated:
//     eRange "calibrated" (default): the smallest shift that holds the CALIBRATED max |E| (outliers saturate),
//       keeping the worst-case accumulator within int32, never more than "worst";
//     eRange "worst": the smallest shift that makes the WORST-CASE sum fit (E never saturates).
//   Every shifted layer is listed in the notes.
// Residual add: out = roundShift(a*ma + b*mb, shift) with ma/2^shift = s_a/s_out, mb/2^shift = s_b/s_out.
// avgpool / gap: sum * mult >> shift with mult/2^shift = s_in / (window * s_out).
// maxpool keeps its input's scale (max commutes with a positive scale): mult 1, shift 0, lo/hi -127..127
//   (no clamp is fused into a maxpool, so the machine may ignore them).
// Explicit sum-pool layers write an int8 tensor: eBits 8, eShift = smallest shift that holds the CALIBRATED
//   range (outliers saturate), output scale s_in * 2^eShift.
// act / mul / concat / resize: quantise-vector.ts (lookup tables, rescales, one scale per concat group).

import type { Calibration } from "./calibrate.js";
import type {
  AddLayer,
  AnyLayer,
  Clamp,
  ConvLayer,
  ConvQuant,
  FcLayer,
  FrontProgram,
  GapLayer,
  Layer,
  PoolLayer,
  SumPoolLayer,
} from "../layers.js";
import { actTable, concatPlacement, mulRescale, resizeRescale, unifyConcatRanges } from "./quantise-vector.js";
import {
  Q_MAX,
  Q_MIN,
  clampInt,
  quantizeMultiplier,
  quantizeMultiplierPair,
  quantizeValue,
  roundShift,
  scaleForRange,
  sumShift,
} from "../intmath.js";
import { zeroInt8s } from "../placeholders.js";

/** The hardware parameters the int8 arithmetic depends on (a subset of HwConfig). */
export interface QuantHw {
  readonly mac: { readonly actBits: 8 | 16 };
  readonly pool: { readonly outBits: 8 | 16 | 32 };
}

const INT32_MAX = 2 ** 31 - 1;

/** Integer clamp bounds of a real clamp at scale s. */
export function intClamp(c: Clamp, s: number): { lo: number; hi: number } {
  const lo = c.lo === -Infinity ? Q_MIN : clampInt(Math.round(c.lo / s), Q_MIN, Q_MAX);
  const hi = c.hi === Infinity ? Q_MAX : clampInt(Math.round(c.hi / s), Q_MIN, Q_MAX);
  return { lo, hi };
}

/** Per-output-channel symmetric int8 quantisation of a [cout][...] weight. */
export function quantizeWeights(w: ArrayLike<number>, cout: number): { q: Int8Array; scale: Float32Array } {
  const per = w.length / cout;
  const q = new Int8Array(w.length);
  const scale = new Float32Array(cout);
  for (let o = 0; o < cout; o++) {
    let m = 0;
    for (let i = o * per; i < (o + 1) * per; i++) m = Math.max(m, Math.abs(w[i]!));
    const s = scaleForRange(m);
    scale[o] = s;
    for (let i = o * per; i < (o + 1) * per; i++) q[i] = quantizeValue(w[i]!, s);
  }
  return { q, scale };
}

/**
 * What quantizeWeights gives for all-zero weights (int8 zeros, scale 1), without reading them: placeholder weights
 * (LayerProgram.placeholders) are zeros by construction, and ResNet-50's 25 M of them are not worth a pass. The
 * int8 zeros are a shared placeholder view (compiler/placeholders.ts): never written.
 */
export function zeroWeights(length: number, cout: number): { q: Int8Array; scale: Float32Array } {
  return { q: zeroInt8s(length), scale: new Float32Array(cout).fill(scaleForRange(0)) };
}

/** A layer's int8 weights, quantised once (the E policy reads them too); zeros for placeholder weights. */
function layerWeights(w: ArrayLike<number>, cout: number, ctx: EContext): { q: Int8Array; scale: Float32Array } {
  return ctx.placeholders ? zeroWeights(w.length, cout) : quantizeWeights(w, cout);
}

/** Bias and requant of a conv or fc with int8 weights `wq`: acc (at scale sAcc * s_w[o]) -> int8 at scale sOut. */
function macQuant(
  l: Layer,
  wq: { q: Int8Array; scale: Float32Array },
  bias: Float32Array,
  cout: number,
  sAcc: number,
  sOut: number,
  terms: number,
  e?: { eBits: 8 | 16 | 32; eShift: number },
): ConvQuant {
  const { q, scale } = wq;
  const qb = new Int32Array(cout);
  const mult = new Int32Array(cout);
  const shift = new Int32Array(cout);
  const maxIn = e ? 2 ** (e.eBits - 1) : Q_MAX + 1;
  if (maxIn * Q_MAX * terms > INT32_MAX && !e)
    throw new Error(`quantise: layer '${l.name}': ${terms} int8 products can overflow int32`);
  for (let o = 0; o < cout; o++) {
    const sw = scale[o]!;
    qb[o] = clampInt(Math.round(bias[o]! / (sAcc * sw)), -INT32_MAX, INT32_MAX);
    const fp = quantizeMultiplier((sAcc * sw) / sOut);
    mult[o] = fp.mult;
    shift[o] = fp.shift;
  }
  return { weight: q, wScale: scale, ...(e ?? {}), requant: { bias: qb, mult, shift, ...intClamp(l.clamp, sOut) } };
}

export interface QuantiseResult {
  readonly program: FrontProgram;
  /** One line per noteworthy decision (E shifted, scale-less tensors), for the user. */
  readonly notes: string[];
}

/**
 * How eShift of a narrowed structured layer is chosen. "worst": E can never saturate (shift for 127 x window
 * volume). "calibrated": the smallest shift that holds the calibrated max |E| (outliers saturate), never more
 * than "worst".
 */
export type ERange = "worst" | "calibrated";

/** What a structured layer's sum-pool output E is given: every bit (default), or a lossy narrowing on request. */
export type EPolicy =
  { readonly kind: "exact" } | { readonly kind: "narrow"; readonly bits: 8 | 16; readonly range: ERange };

export const EXACT_E: EPolicy = { kind: "exact" };

/** One line naming the policy, for reports. */
export function describeEPolicy(p: EPolicy): string {
  return p.kind === "exact"
    ? "exact: the narrowest of 8/16/32 bits that holds the worst-case window sum, no shift"
    : `narrowed to ${p.bits} bits by a ${p.range} right shift (lossy, --e-bits ${p.bits})`;
}

export function quantise(lp: FrontProgram, cal: Calibration, policy: EPolicy = EXACT_E): QuantiseResult {
  const notes: string[] = [];
  const ranges = unifyConcatRanges(lp, cal.tensors);
  const scales = new Map<string, number>();
  const rangeOf = (t: string): number => {
    const r = ranges.get(t);
    if (r === undefined) throw new Error(`quantise: no calibration range for tensor '${t}'`);
    return r;
  };
  const scaleOf = (t: string): number => {
    const s = scales.get(t);
    if (s === undefined) throw new Error(`quantise: tensor '${t}' has no scale yet`);
    return s;
  };
  scales.set(lp.input.name, scaleForRange(rangeOf(lp.input.name)));
  const ectx: EContext = { cal, policy, notes, placeholders: lp.placeholders === true };

  const layers = lp.layers.map((l): AnyLayer => {
    const sIn = scaleOf(l.inputs[0]!);
    switch (l.kind) {
      case "conv": {
        const sOut = scaleForRange(rangeOf(l.output));
        scales.set(l.output, sOut);
        return { ...l, q: convQuant(l, sIn, sOut, ectx) } satisfies ConvLayer;
      }
      case "fc": {
        const sOut = scaleForRange(rangeOf(l.output));
        scales.set(l.output, sOut);
        return { ...l, q: fcQuant(l, sIn, sOut, ectx) } satisfies FcLayer;
      }
      case "add": {
        const sOut = scaleForRange(rangeOf(l.output));
        scales.set(l.output, sOut);
        const p = quantizeMultiplierPair(sIn / sOut, scaleOf(l.inputs[1]!) / sOut);
        return { ...l, q: { ...p, ...intClamp(l.clamp, sOut) } } satisfies AddLayer;
      }
      case "maxpool": {
        scales.set(l.output, sIn);
        return { ...l, q: { mult: 1, shift: 0, ...intClamp(l.clamp, sIn) } } satisfies PoolLayer;
      }
      case "avgpool": {
        const sOut = scaleForRange(rangeOf(l.output));
        scales.set(l.output, sOut);
        const fp = quantizeMultiplier(sIn / (l.k * l.k * sOut));
        return { ...l, q: { ...fp, ...intClamp(l.clamp, sOut) } } satisfies PoolLayer;
      }
      case "gap": {
        const sOut = scaleForRange(rangeOf(l.output));
        scales.set(l.output, sOut);
        const hw2 = (l.inShape[1] ?? 1) * (l.inShape[2] ?? 1);
        const fp = quantizeMultiplier(sIn / (hw2 * sOut));
        return { ...l, q: { ...fp, ...intClamp(l.clamp, sOut) } } satisfies GapLayer;
      }
      case "sumpool": {
        const worst = sumShift(l.kc * l.kh * l.kw, 8);
        const ratio = rangeOf(l.output) / sIn / Q_MAX;
        const calib = ratio > 1 ? Math.ceil(Math.log2(ratio) - 1e-12) : 0;
        const eShift = Math.min(worst, calib);
        scales.set(l.output, sIn * 2 ** eShift);
        return { ...l, q: { eBits: 8, eShift } } satisfies SumPoolLayer;
      }
      case "act": {
        const sOut = scaleForRange(rangeOf(l.output));
        scales.set(l.output, sOut);
        const { lo, hi } = intClamp(l.clamp, sOut);
        return { ...l, q: { lut: actTable(l, sIn, sOut, lo, hi) } };
      }
      case "mul": {
        const sOut = scaleForRange(rangeOf(l.output));
        scales.set(l.output, sOut);
        const { lo, hi } = intClamp(l.clamp, sOut);
        return { ...l, q: mulRescale(sIn, scaleOf(l.inputs[1]!), sOut, lo, hi) };
      }
      case "concat": {
        const sOut = scaleForRange(rangeOf(l.output));
        scales.set(l.output, sOut);
        return concatPlacement(l, sOut, scaleOf);
      }
      case "resize": {
        scales.set(l.output, sIn);
        const { lo, hi } = intClamp(l.clamp, sIn);
        return { ...l, q: resizeRescale(lo, hi) };
      }
    }
  });
  return { program: { ...lp, dtype: "int8", layers, scales }, notes };
}

interface EContext {
  readonly cal: Calibration;
  readonly policy: EPolicy;
  readonly notes: string[];
  readonly placeholders: boolean;
}

/** The narrowest of 8/16/32 signed bits that holds the worst-case window sum of `volume` int8 values. */
export function exactEBits(volume: number): 8 | 16 | 32 {
  const worst = Q_MAX * volume;
  return worst <= 2 ** 7 - 1 ? 8 : worst <= 2 ** 15 - 1 ? 16 : 32;
}

/** Largest sum of |q| over one output channel's weights: with |E| <= m, |acc| <= m x this. */
function maxRowAbs(q: Int8Array, cout: number): number {
  const per = q.length / cout;
  let best = 0;
  for (let o = 0; o < cout; o++) {
    let s = 0;
    for (let i = o * per; i < (o + 1) * per; i++) s += Math.abs(q[i]!);
    best = Math.max(best, s);
  }
  return best;
}

/** eBits and eShift of a structured layer whose window sums `volume` int8 values into `terms` int8 products. */
function chooseE(
  l: Layer,
  volume: number,
  terms: number,
  q: Int8Array,
  cout: number,
  sIn: number,
  ctx: EContext,
): { eBits: 8 | 16 | 32; eShift: number } {
  const exactBits = exactEBits(volume);
  const maxE = Math.ceil((ctx.cal.sums.get(l.name) ?? Infinity) / sIn); // calibrated max |E|, input code units
  if (ctx.policy.kind === "exact") {
    // Placeholder weights are zeros: their rows sum to 0 (no pass over them).
    const rows = ctx.placeholders ? 0 : maxRowAbs(q, cout);
    if (Q_MAX * volume * rows <= INT32_MAX) return { eBits: exactBits, eShift: 0 };
    let s = 0;
    while (Number.isFinite(maxE) && roundShift(maxE, s) * rows > INT32_MAX) s++;
    if (!Number.isFinite(maxE)) s = sumShift(volume, exactBits, terms);
    ctx.notes.push(
      s === 0
        ? `${l.name}: E exact (${exactBits}-bit); a worst-case input could overflow the int32 accumulator (window ${volume} x weight row sum ${rows}), the calibrated range does not`
        : `${l.name}: E shifted right by ${s} bit${s > 1 ? "s" : ""} to keep the int32 accumulator exact (calibrated max |E| ${maxE} x weight row sum ${rows}); otherwise exact`,
    );
    return { eBits: exactBits, eShift: s };
  }
  const eBits = Math.min(exactBits, ctx.policy.bits) as 8 | 16;
  const worst = sumShift(volume, eBits, terms);
  let s = worst;
  if (ctx.policy.range === "calibrated") {
    const top = 2 ** (eBits - 1);
    for (s = 0; s < worst; s++) {
      const fits = roundShift(maxE, s) <= top - 1;
      // Saturated E is at most 2^(eBits-1) in magnitude: the accumulator must still fit int32.
      const safe = Math.min(roundShift(Q_MAX * volume, s), top) * Q_MAX * terms <= INT32_MAX;
      if (fits && safe) break;
    }
  }
  if (s > 0)
    ctx.notes.push(
      `${l.name}: E (window ${volume}, worst case ${Q_MAX * volume}) shifted right by ${s} bit${s > 1 ? "s" : ""} to ${eBits}-bit MAC inputs` +
        (ctx.policy.range === "calibrated" ? ` (calibrated; worst case needs ${worst})` : ""),
    );
  return { eBits, eShift: s };
}

function convQuant(l: ConvLayer, sIn: number, sOut: number, ctx: EContext): ConvQuant {
  const dense = (l.cin / l.groups) * l.kh * l.kw;
  if (!l.structured) return macQuant(l, layerWeights(l.weight, l.cout, ctx), l.bias, l.cout, sIn, sOut, dense);
  const { c, n, alpha } = l.structured;
  const depthwise = l.groups > 1;
  const volume = (depthwise ? 1 : l.cin - c + 1) * (l.kh - n + 1) * (l.kw - n + 1);
  const terms = (depthwise ? 1 : c) * n * n;
  const wq = layerWeights(alpha, l.cout, ctx);
  const e = chooseE(l, volume, terms, wq.q, l.cout, sIn, ctx);
  return macQuant(l, wq, l.bias, l.cout, sIn * 2 ** e.eShift, sOut, terms, e);
}

function fcQuant(l: FcLayer, sIn: number, sOut: number, ctx: EContext): ConvQuant {
  if (!l.structured) return macQuant(l, layerWeights(l.weight, l.P, ctx), l.bias, l.P, sIn, sOut, l.Q);
  const { R, alpha } = l.structured;
  const wq = layerWeights(alpha, l.P, ctx);
  const e = chooseE(l, l.Q - R + 1, R, wq.q, l.P, sIn, ctx);
  return macQuant(l, wq, l.bias, l.P, sIn * 2 ** e.eShift, sOut, R, e);
}
