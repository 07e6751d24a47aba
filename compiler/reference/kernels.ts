// Plain-loop tensor kernels of the reference executor, over [c][h][w] Float64Arrays. The int8 executor feeds
// them integers: every sum is then exact (all magnitudes stay far below 2^53), so one set of loops serves both
// dtypes. Written straight from the definitions (DESIGN §1), independently of the simulator.

export interface Fmap {
  readonly data: Float64Array;
  readonly c: number;
  readonly h: number;
  readonly w: number;
}

export function fmap(data: ArrayLike<number>, c: number, h: number, w: number): Fmap {
  if (data.length !== c * h * w) throw new Error(`fmap: ${data.length} values for shape (${c},${h},${w})`);
  return { data: Float64Array.from(data), c, h, w };
}

/** Zero padding [top, left, bottom, right]. */
export function pad(x: Fmap, pads: readonly [number, number, number, number]): Fmap {
  const [t, l, b, r] = pads;
  if (t === 0 && l === 0 && b === 0 && r === 0) return x;
  const h = x.h + t + b;
  const w = x.w + l + r;
  const out = new Float64Array(x.c * h * w);
  for (let c = 0; c < x.c; c++)
    for (let y = 0; y < x.h; y++) {
      const src = (c * x.h + y) * x.w;
      out.set(x.data.subarray(src, src + x.w), (c * h + y + t) * w + l);
    }
  return { data: out, c: x.c, h, w };
}

/** Stride-1 3D window sum, no padding: out (c-kc+1, h-dil(kh-1), w-dil(kw-1)). Separable: channel, row, column. */
export function sumPool3d(x: Fmap, kc: number, kh: number, kw: number, dil: number): Fmap {
  const oc = x.c - kc + 1;
  const oh = x.h - dil * (kh - 1);
  const ow = x.w - dil * (kw - 1);
  if (oc < 1 || oh < 1 || ow < 1)
    throw new Error(`sumPool3d: window (${kc},${kh},${kw}) larger than input (${x.c},${x.h},${x.w})`);
  const plane = x.h * x.w;
  // Channel pass as a running sum (window c = window c−1 + entering plane − leaving plane): O(C) planes
  // instead of O(oc·kc). Exact for the int8 executor's integers; for fp32 the doubles differ from a direct
  // sum by rounding of order 1e-16 relative.
  const s1 = new Float64Array(oc * plane);
  const xd = x.data;
  for (let i = 0; i < kc; i++) {
    const src = i * plane;
    for (let p = 0; p < plane; p++) s1[p]! += xd[src + p]!;
  }
  for (let c = 1; c < oc; c++) {
    const dst = c * plane;
    const prev = dst - plane;
    const enter = (c + kc - 1) * plane;
    const leave = (c - 1) * plane;
    for (let p = 0; p < plane; p++) s1[dst + p] = s1[prev + p]! + xd[enter + p]! - xd[leave + p]!;
  }
  const s2 = new Float64Array(oc * x.h * ow);
  for (let c = 0; c < oc; c++)
    for (let y = 0; y < x.h; y++) {
      const src = (c * x.h + y) * x.w;
      const dst = (c * x.h + y) * ow;
      for (let k = 0; k < kw; k++) for (let o = 0; o < ow; o++) s2[dst + o]! += s1[src + o + k * dil]!;
    }
  const out = new Float64Array(oc * oh * ow);
  for (let c = 0; c < oc; c++)
    for (let y = 0; y < oh; y++) {
      const dst = (c * oh + y) * ow;
      for (let j = 0; j < kh; j++) {
        const src = (c * x.h + y + j * dil) * ow;
        for (let o = 0; o < ow; o++) out[dst + o]! += s2[src + o]!;
      }
    }
  return { data: out, c: oc, h: oh, w: ow };
}

/** 1D stride-1 window sum of a vector: out[r] = sum_{i<win} x[r+i]. */
export function sumPool1d(x: Float64Array, win: number): Float64Array {
  const n = x.length - win + 1;
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let i = 0; i < win; i++) s += x[r + i]!;
    out[r] = s;
  }
  return out;
}

/** Output pixels per register block of conv2d (each pixel's receptive field is gathered into a row). */
const PIXELS = 4;
/** Output channels per register block of conv2d. */
const CHANNELS = 2;

/**
 * Unpadded convolution, no bias: out[o,y,x] = sum_{i,j,k} x[g(o)*cpg+i, y*s+j*d, x*s+k*d] * w[o,i,j,k].
 * Im2col by blocks: the receptive fields of PIXELS output pixels are gathered into contiguous rows, then a
 * 2×4 register tile (2 output channels × 4 pixels, 8 accumulators) walks the K = cpg·kh·kw products with
 * 6 loads per 8 multiply-adds. Every output is one sum over q in order (exact for the int8 executor's
 * integers; fp32 sums are doubles, rounded to float32 by the caller).
 */
export function conv2d(
  x: Fmap,
  weight: ArrayLike<number>,
  cout: number,
  kh: number,
  kw: number,
  stride: number,
  dil: number,
  groups: number,
): Fmap {
  const cpg = x.c / groups;
  const opg = cout / groups;
  if (!Number.isInteger(cpg) || !Number.isInteger(opg))
    throw new Error(`conv2d: groups ${groups} do not divide ${x.c}->${cout}`);
  if (weight.length !== cout * cpg * kh * kw)
    throw new Error(`conv2d: ${weight.length} weights, want ${cout * cpg * kh * kw}`);
  const oh = Math.floor((x.h - dil * (kh - 1) - 1) / stride) + 1;
  const ow = Math.floor((x.w - dil * (kw - 1) - 1) / stride) + 1;
  const out = new Float64Array(cout * oh * ow);
  const xd = x.data;
  const K = cpg * kh * kw;
  const w = Float64Array.from(weight);
  const plane = oh * ow;
  const rows = new Float64Array(PIXELS * K);
  for (let g = 0; g < groups; g++) {
    const oBegin = g * opg;
    const oEnd = oBegin + opg;
    for (let p0 = 0; p0 < plane; p0 += PIXELS) {
      const np = Math.min(PIXELS, plane - p0);
      for (let t = 0; t < np; t++)
        gatherField(xd, x.h, x.w, g * cpg, cpg, kh, kw, stride, dil, p0 + t, ow, rows, t * K);
      let o = oBegin;
      if (np === PIXELS)
        for (; o + CHANNELS <= oEnd; o += CHANNELS) tile2x4(w, o * K, rows, K, out, o * plane + p0, plane);
      for (; o < oEnd; o++)
        for (let t = 0; t < np; t++) {
          const wb = o * K;
          const rb = t * K;
          let a = 0;
          for (let q = 0; q < K; q++) a += w[wb + q]! * rows[rb + q]!;
          out[o * plane + p0 + t] = a;
        }
    }
  }
  return { data: out, c: cout, h: oh, w: ow };
}

/** rows[at..at+K) = the receptive field of output pixel `pix` over channels [c0, c0+cpg), in weight order. */
function gatherField(
  xd: Float64Array,
  h: number,
  w: number,
  c0: number,
  cpg: number,
  kh: number,
  kw: number,
  stride: number,
  dil: number,
  pix: number,
  ow: number,
  rows: Float64Array,
  at: number,
): void {
  const y = Math.floor(pix / ow);
  const z = pix - y * ow;
  let t = at;
  for (let i = 0; i < cpg; i++)
    for (let j = 0; j < kh; j++) {
      const row = ((c0 + i) * h + y * stride + j * dil) * w + z * stride;
      for (let k = 0; k < kw; k++) rows[t++] = xd[row + k * dil]!;
    }
}

/** out[(o+a)·plane + p + b] = Σ_q w[wb + a·K + q] · rows[b·K + q] for a in 0..1, b in 0..3. */
function tile2x4(
  w: Float64Array,
  wb: number,
  rows: Float64Array,
  K: number,
  out: Float64Array,
  ob: number,
  plane: number,
): void {
  // 8 accumulators and 6 operands fit the 16 floating-point registers (a 4×4 tile spills).
  let a00 = 0;
  let a01 = 0;
  let a02 = 0;
  let a03 = 0;
  let a10 = 0;
  let a11 = 0;
  let a12 = 0;
  let a13 = 0;
  const w1 = wb + K;
  const r1 = K;
  const r2 = 2 * K;
  const r3 = 3 * K;
  for (let q = 0; q < K; q++) {
    const x0 = rows[q]!;
    const x1 = rows[r1 + q]!;
    const x2 = rows[r2 + q]!;
    const x3 = rows[r3 + q]!;
    const v0 = w[wb + q]!;
    const v1 = w[w1 + q]!;
    a00 += v0 * x0;
    a01 += v0 * x1;
    a02 += v0 * x2;
    a03 += v0 * x3;
    a10 += v1 * x0;
    a11 += v1 * x1;
    a12 += v1 * x2;
    a13 += v1 * x3;
  }
  out[ob] = a00;
  out[ob + 1] = a01;
  out[ob + 2] = a02;
  out[ob + 3] = a03;
  ob += plane;
  out[ob] = a10;
  out[ob + 1] = a11;
  out[ob + 2] = a12;
  out[ob + 3] = a13;
}

/** y[p] = sum_q w[p,q] x[q] (no bias). */
export function matVec(x: Float64Array, weight: ArrayLike<number>, P: number): Float64Array {
  const Q = x.length;
  const out = new Float64Array(P);
  for (let p = 0; p < P; p++) {
    let s = 0;
    for (let q = 0; q < Q; q++) s += weight[p * Q + q]! * x[q]!;
    out[p] = s;
  }
  return out;
}

export function poolOutSize(n: number, k: number, stride: number, padding: number): number {
  return Math.floor((n + 2 * padding - k) / stride) + 1;
}

/** Max over each window; padded positions are ignored. */
export function maxPool(x: Fmap, k: number, stride: number, padding: number): Fmap {
  const oh = poolOutSize(x.h, k, stride, padding);
  const ow = poolOutSize(x.w, k, stride, padding);
  const out = new Float64Array(x.c * oh * ow);
  for (let c = 0; c < x.c; c++)
    for (let y = 0; y < oh; y++)
      for (let z = 0; z < ow; z++) {
        let m = -Infinity;
        for (let j = 0; j < k; j++) {
          const iy = y * stride + j - padding;
          if (iy < 0 || iy >= x.h) continue;
          for (let i = 0; i < k; i++) {
            const ix = z * stride + i - padding;
            if (ix < 0 || ix >= x.w) continue;
            const v = x.data[(c * x.h + iy) * x.w + ix]!;
            if (v > m) m = v;
          }
        }
        out[(c * oh + y) * ow + z] = m;
      }
  return { data: out, c: x.c, h: oh, w: ow };
}

/** Sum over each window with zero padding (the divisor k*k is the caller's). */
export function windowSum(x: Fmap, k: number, stride: number, padding: number): Fmap {
  const oh = poolOutSize(x.h, k, stride, padding);
  const ow = poolOutSize(x.w, k, stride, padding);
  const out = new Float64Array(x.c * oh * ow);
  for (let c = 0; c < x.c; c++)
    for (let y = 0; y < oh; y++)
      for (let z = 0; z < ow; z++) {
        let s = 0;
        for (let j = 0; j < k; j++) {
          const iy = y * stride + j - padding;
          if (iy < 0 || iy >= x.h) continue;
          for (let i = 0; i < k; i++) {
            const ix = z * stride + i - padding;
            if (ix >= 0 && ix < x.w) s += x.data[(c * x.h + iy) * x.w + ix]!;
          }
        }
        out[(c * oh + y) * ow + z] = s;
      }
  return { data: out, c: x.c, h: oh, w: ow };
}

/** Per-channel sum over all positions. */
export function channelSums(x: Fmap): Float64Array {
  const out = new Float64Array(x.c);
  const plane = x.h * x.w;
  for (let c = 0; c < x.c; c++) {
    let s = 0;
    for (let p = 0; p < plane; p++) s += x.data[c * plane + p]!;
    out[c] = s;
  }
  return out;
}

/** Option-A shortcut operand: b[c-before, y*stride, x*stride] for c in [before, before+b.c), zero elsewhere. */
export function shortcutA(b: Fmap, stride: number, before: number, cout: number): Fmap {
  const oh = Math.ceil(b.h / stride);
  const ow = Math.ceil(b.w / stride);
  const out = new Float64Array(cout * oh * ow);
  for (let c = 0; c < b.c; c++) {
    const oc = c + before;
    if (oc >= cout) break;
    for (let y = 0; y < oh; y++)
      for (let z = 0; z < ow; z++) out[(oc * oh + y) * ow + z] = b.data[(c * b.h + y * stride) * b.w + z * stride]!;
  }
  return { data: out, c: cout, h: oh, w: ow };
}
