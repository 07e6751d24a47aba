// quantise: int8 inference parameters for every layer (DESIGN §4 step 4).
//
// Activations: symmetric per-tensor scales s = maxAbs / 127 from calibration (real = s * q, q in -127..127).
// Weights (dense W, or alpha of a structured layer): symmetric per output channel, s_w[o] = max|w[o]| / 127.
// conv/fc: acc = sum q_w * q_x (int32), bias = round(b / (s_x * s_w)), requant = s_x * s_w / s_out as
//   mult / 2^shift with mult in [2^14, 2^15); clamp from the fused ReLU/ReLU6 in integer units.
// Structured conv/fc: E = exact integer window sum of the int8 input (|E| <= 127 * volume). The MAC reads E
//   with eBits = min(mac.actBits, pool.outBits) bits, so E is brought there by a rounding right shift eShift
//   and then saturated (the pool instruction's `shift` and `bits`); E's scale is s_x * 2^eShift.
//   eRange "worst": eShift is the smallest shift that makes the WORST-CASE sum (127 * volume) fit eBits bits
//     and keeps the worst-case accumulator within int32: E never saturates, but an 8-bit MAC loses up to
//     log2(volume) bits of E.
//   eRange "calibrated" (default): the smallest shift that holds the CALIBRATED max |E| (outliers saturate),
//     still keeping the int32 guarantee, and never more than "worst". On ResNet-56 struct-a with 8-bit MAC
//     inputs this lifts the int8-vs-fp32 logit cosine from ~0.98 to ~0.99; with mac.actBits = 16 both keep
//     eShift = 0 (exact E, dearer 8x16 multiplies). That is the precision/energy trade-off, and every shifted
//     layer is listed in the notes.
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
 * (LayerProgram.placeholders) are zeros by construction, and ResNet-50's 25 M of them are not worth a pass.
 */
export function zeroWeights(length: number, cout: number): { q: Int8Array; scale: Float32Array } {
  return { q: new Int8Array(length), scale: new Float32Array(cout).fill(scaleForRange(0)) };
}

/** Weights, bias and requant of a conv or fc: acc (at scale sAcc * s_w[o]) -> int8 at scale sOut. */
function macQuant(
  l: Layer,
  w: ArrayLike<number>,
  bias: Float32Array,
  cout: number,
  sAcc: number,
  sOut: number,
  terms: number,
  e?: { eBits: 8 | 16 | 32; eShift: number },
  placeholders = false,
): ConvQuant {
  const { q, scale } = placeholders ? zeroWeights(w.length, cout) : quantizeWeights(w, cout);
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
 * How eShift of a structured layer is chosen. "worst": E can never saturate (shift for 127 x window volume).
 * "calibrated": the smallest shift that holds the calibrated max |E| (outliers saturate), never more than "worst".
 */
export type ERange = "worst" | "calibrated";

export function quantise(
  lp: FrontProgram,
  cal: Calibration,
  hw: QuantHw,
  eRange: ERange = "calibrated",
): QuantiseResult {
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
  const eBits = Math.min(hw.mac.actBits, hw.pool.outBits) as 8 | 16;
  const ectx: EContext = { cal, eRange, eBits, notes, placeholders: lp.placeholders === true };

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
  readonly eRange: ERange;
  readonly eBits: 8 | 16;
  readonly notes: string[];
  readonly placeholders: boolean;
}

/** eShift of a structured layer whose window sums `volume` int8 values and whose MAC sums `terms` products. */
function chooseEShift(l: Layer, volume: number, terms: number, sIn: number, ctx: EContext): number {
  const worst = sumShift(volume, ctx.eBits, terms);
  let s = worst;
  if (ctx.eRange === "calibrated") {
    const maxE = (ctx.cal.sums.get(l.name) ?? Infinity) / sIn; // in input code units
    const top = 2 ** (ctx.eBits - 1);
    for (s = 0; s < worst; s++) {
      const fits = roundShift(Math.ceil(maxE), s) <= top - 1;
      // Saturated E is at most 2^(eBits-1) in magnitude: the accumulator must still fit int32.
      const safe = Math.min(roundShift(Q_MAX * volume, s), top) * Q_MAX * terms <= INT32_MAX;
      if (fits && safe) break;
    }
  }
  if (s > 0)
    ctx.notes.push(
      `${l.name}: E (window ${volume}, worst case ${Q_MAX * volume}) shifted right by ${s} bit${s > 1 ? "s" : ""} to ${ctx.eBits}-bit MAC inputs` +
        (ctx.eRange === "calibrated" ? ` (calibrated; worst case needs ${worst})` : ""),
    );
  return s;
}

function convQuant(l: ConvLayer, sIn: number, sOut: number, ctx: EContext): ConvQuant {
  const dense = (l.cin / l.groups) * l.kh * l.kw;
  if (!l.structured) return macQuant(l, l.weight, l.bias, l.cout, sIn, sOut, dense, undefined, ctx.placeholders);
  const { c, n, alpha } = l.structured;
  const depthwise = l.groups > 1;
  const volume = (depthwise ? 1 : l.cin - c + 1) * (l.kh - n + 1) * (l.kw - n + 1);
  const terms = (depthwise ? 1 : c) * n * n;
  const eShift = chooseEShift(l, volume, terms, sIn, ctx);
  const e = { eBits: ctx.eBits, eShift };
  return macQuant(l, alpha, l.bias, l.cout, sIn * 2 ** eShift, sOut, terms, e, ctx.placeholders);
}

function fcQuant(l: FcLayer, sIn: number, sOut: number, ctx: EContext): ConvQuant {
  if (!l.structured) return macQuant(l, l.weight, l.bias, l.P, sIn, sOut, l.Q, undefined, ctx.placeholders);
  const { R, alpha } = l.structured;
  const eShift = chooseEShift(l, l.Q - R + 1, R, sIn, ctx);
  const e = { eBits: ctx.eBits, eShift };
  return macQuant(l, alpha, l.bias, l.P, sIn * 2 ** eShift, sOut, R, e, ctx.placeholders);
}
