// Plain-loop kernels of the reference executors for the vector-unit layers: activation, multiply (elementwise or
// per-channel gate), channel concatenation, resize. Written from the layer definitions (compiler/layers.ts), apart
// from the ISA's semantics (isa/vector-ops.ts), which must agree with them bit for bit on int8. The real-valued
// resize taps are the ISA's (isa/resize.ts, checked against ONNX Runtime); the fixed-point ones are re-derived here.

import { exactTap, RESIZE_FRAC_BITS, type Tap } from "../../isa/resize.js";
import type { ResizeLayer } from "../layers.js";
import type { Fmap } from "./kernels.js";

/** a · b, b of a's shape or one value per channel (broadcast over the channel's plane). */
export function multiply(a: Fmap, b: Fmap, broadcast: boolean): Fmap {
  const out = new Float64Array(a.data.length);
  const plane = a.h * a.w;
  for (let i = 0; i < out.length; i++) out[i] = a.data[i]! * b.data[broadcast ? Math.floor(i / plane) : i]!;
  return { ...a, data: out };
}

/** The inputs one after the other along channels. */
export function concatChannels(ins: readonly Fmap[]): Fmap {
  const c = ins.reduce((s, x) => s + x.c, 0);
  const out = new Float64Array(c * ins[0]!.h * ins[0]!.w);
  let at = 0;
  for (const x of ins) {
    out.set(x.data, at);
    at += x.data.length;
  }
  return { data: out, c, h: ins[0]!.h, w: ins[0]!.w };
}

/**
 * Taps with integer weights summing to 2^RESIZE_FRAC_BITS per axis: the input coordinate in fixed point (floor
 * of the exact rational), clamped to [0, n − 1], split into an index and a fraction. Exact for half_pixel at
 * power-of-two factors; otherwise each weight is off by less than 2^-RESIZE_FRAC_BITS.
 */
export function fixedPointTaps(l: ResizeLayer, n: number, scale: number): Tap[] {
  const one = 2 ** RESIZE_FRAC_BITS;
  const m = n * scale;
  const taps: Tap[] = [];
  for (let o = 0; o < m; o++) {
    if (l.mode === "nearest") {
      const i = Math.min(n - 1, Math.floor(o / scale));
      taps.push({ i0: i, i1: i, w0: one, w1: 0 });
      continue;
    }
    let pos: number;
    if (l.coord === "half_pixel") pos = Math.floor(((2 * o + 1 - scale) * one) / (2 * scale));
    else if (l.coord === "align_corners") pos = m > 1 ? Math.floor((o * (n - 1) * one) / (m - 1)) : 0;
    else pos = Math.floor((o * one) / scale);
    pos = Math.min((n - 1) * one, Math.max(0, pos));
    const i0 = Math.floor(pos / one);
    const frac = pos - i0 * one;
    taps.push({ i0, i1: Math.min(i0 + 1, n - 1), w0: one - frac, w1: frac });
  }
  return taps;
}

/** Σ over the 2×2 taps of wy · wx · x: real weights (fp32), or fixed-point integer weights (int8, then rescaled). */
export function resize(l: ResizeLayer, x: Fmap, fixedPoint: boolean): Fmap {
  const h = x.h * l.scaleH;
  const w = x.w * l.scaleW;
  const exact = (n: number, s: number): Tap[] =>
    Array.from({ length: n * s }, (_, o) => exactTap(l.mode, l.coord, o, n, s));
  const rows = fixedPoint ? fixedPointTaps(l, x.h, l.scaleH) : exact(x.h, l.scaleH);
  const cols = fixedPoint ? fixedPointTaps(l, x.w, l.scaleW) : exact(x.w, l.scaleW);
  const out = new Float64Array(x.c * h * w);
  for (let c = 0; c < x.c; c++)
    for (let oy = 0; oy < h; oy++) {
      const r = rows[oy]!;
      const top = (c * x.h + r.i0) * x.w;
      const bottom = (c * x.h + r.i1) * x.w;
      for (let ox = 0; ox < w; ox++) {
        const k = cols[ox]!;
        const t = k.w0 * x.data[top + k.i0]! + k.w1 * x.data[top + k.i1]!;
        const b = k.w0 * x.data[bottom + k.i0]! + k.w1 * x.data[bottom + k.i1]!;
        out[(c * h + oy) * w + ox] = r.w0 * t + r.w1 * b;
      }
    }
  return { data: out, c: x.c, h, w };
}
