// Functional semantics of every instruction: pure functions over a machine-state view, no timing.
// The simulator runs them; compiler tests may run them too (this file imports only isa/).
//
// Storage model (isa/instructions.ts header): DRAM and the five SRAM buffers are byte-addressed. Each is held
// as one typed array indexed by BYTE address; an element's value lives at its first byte (the other bytes of a
// wide element are unused). int8 programs use Int32Array (exact integers), fp32 programs Float32Array.
//
// Integer arithmetic (int8 programs), shared bit for bit with the reference executor (compiler/layers.ts):
//   roundShift(v, s) = s == 0 ? v : floor((v + 2^(s-1)) / 2^s)          round half up, exact in doubles
//   requant         = clamp(roundShift((acc + bias[c]) * mult[c], shift[c]), lo, hi)
//   MAC accumulation is exact in doubles and wraps to int32 (ToInt32) when written to the acc buffer, like a
//   hardware int32 accumulator; compiled programs stay far below 2^31 so the wrap never fires in practice.
//   pool: exact sum, roundShift by `shift`, saturate to the signed range of `bits`.
//   vop.pool avg divides by the full window (count_include_pad): padded zeros count, through mult/shift.
//   vop.pool max ignores padding and does not clamp (its par block is not read).
//   vop.act / vop.mul / vop.resize: see isa/vector-ops.ts (table lookup, rescaled products, fixed-point taps).
// fp32 programs: the same layouts, float math: requant = clamp((acc + bias) * mult, lo, hi); shifts are
// ignored (the compiler writes real multipliers), nothing rounds or saturates except the final float32 store.
//
// Execution model: an instruction reads all its operands and writes all its results at once.

import { InputError } from "./errors.js";
import { BUFFERS, ELEMENT_BYTES, type Buffer, type Mnemonic } from "./instructions.js";
import {
  bufferOf,
  check,
  elementBytes,
  num,
  outSize,
  PoolWidths,
  str,
  type ExecFn,
  type Fields,
  type MachineState,
  type Storage,
} from "./machine-state.js";
import type { Dtype } from "./program.js";
import type { Instr } from "./types.js";
import { gap, requant, vact, vadd, vmul, vpool, vresize } from "./vector-ops.js";

export {
  bufferOf,
  clamp,
  elementBytes,
  MemoryFault,
  num,
  outSize,
  PoolWidths,
  roundShift,
  saturate,
  str,
  type ExecFn,
  type MachineState,
  type Storage,
} from "./machine-state.js";

function load(s: MachineState, f: Fields): void {
  const buf = bufferOf(str(f, "buf"));
  const dst = s.sram[buf];
  const sram = num(f, "sram"),
    from = num(f, "dram");
  const c = num(f, "c"),
    h = num(f, "h"),
    w = num(f, "w");
  const rstride = num(f, "rstride"),
    prows = num(f, "prows");
  const pt = num(f, "pt"),
    pb = num(f, "pb"),
    pl = num(f, "pl"),
    pr = num(f, "pr");
  const es = elementBytes(s, buf, sram);
  // src=act: the same padded tile copy, read out of the act buffer (int8 activations, 1-byte elements).
  const local = f["src"] === "act";
  const srcMem = local ? s.sram.act : s.dram;
  const ses = local ? ELEMENT_BYTES.act : es;
  const H = h + pt + pb,
    W = w + pl + pr;
  if (c * h * w > 0)
    check(srcMem, local ? "act" : "dram", from, from + (((c - 1) * prows + h - 1) * rstride + w) * ses);
  check(dst, buf, sram, sram + c * H * W * es);
  // Read the whole source tile before writing (an instruction reads all operands, then writes): a local copy may
  // overlap its own destination.
  const tile = local ? new Float64Array(c * h * w) : undefined;
  if (tile)
    for (let ci = 0, k = 0; ci < c; ci++)
      for (let yy = 0; yy < h; yy++) {
        const row = from + (ci * prows + yy) * rstride * ses;
        for (let xx = 0; xx < w; xx++) tile[k++] = srcMem[row + xx * ses]!;
      }
  for (let ci = 0; ci < c; ci++)
    for (let y = 0; y < H; y++) {
      const row = sram + (ci * H + y) * W * es;
      const yy = y - pt;
      if (yy < 0 || yy >= h) {
        for (let x = 0; x < W; x++) dst[row + x * es] = 0;
        continue;
      }
      if (tile) {
        const t0 = (ci * h + yy) * w - pl;
        for (let x = 0; x < W; x++) {
          const xx = x - pl;
          dst[row + x * es] = xx < 0 || xx >= w ? 0 : tile[t0 + x]!;
        }
        continue;
      }
      const src = from + ((ci * prows + yy) * rstride - pl) * ses;
      for (let x = 0; x < W; x++) {
        const xx = x - pl;
        dst[row + x * es] = xx < 0 || xx >= w ? 0 : srcMem[src + x * ses]!;
      }
    }
}

function store(s: MachineState, f: Fields): void {
  const buf = bufferOf(str(f, "buf"));
  const src = s.sram[buf];
  const sram = num(f, "sram"),
    dram = num(f, "dram");
  const c = num(f, "c"),
    h = num(f, "h"),
    w = num(f, "w");
  const rstride = num(f, "rstride"),
    prows = num(f, "prows");
  const es = elementBytes(s, buf, sram);
  check(src, buf, sram, sram + c * h * w * es);
  if (c * h * w > 0) check(s.dram, "dram", dram, dram + (((c - 1) * prows + h - 1) * rstride + w) * es);
  for (let ci = 0; ci < c; ci++)
    for (let y = 0; y < h; y++) {
      const from = sram + (ci * h + y) * w * es;
      const to = dram + (ci * prows + y) * rstride * es;
      for (let x = 0; x < w; x++) s.dram[to + x * es] = src[from + x * es]!;
    }
}

function pool(s: MachineState, f: Fields): void {
  const dst = num(f, "dst"),
    src = num(f, "src");
  const c = num(f, "c"),
    h = num(f, "h"),
    w = num(f, "w");
  const kc = num(f, "kc"),
    kh = num(f, "kh"),
    kw = num(f, "kw"),
    dil = num(f, "dil");
  const bits = Number(str(f, "bits")),
    shift = num(f, "shift");
  const co = c - kc + 1,
    ho = h - dil * (kh - 1),
    wo = w - dil * (kw - 1);
  const eb = bits / 8;
  const act = s.sram.act,
    out = s.sram.pool;
  check(act, "act", src, src + c * h * w);
  check(out, "pool", dst, dst + Math.max(0, co * ho * wo) * eb);
  s.poolWidths.set(dst, Math.max(0, co * ho * wo) * eb, eb);
  const isInt = s.dtype === "int8";
  // saturate(roundShift(sum, shift), bits) with its constants hoisted: floor((sum + half) / p), clamped.
  const p2 = 2 ** shift;
  const half = shift > 0 ? p2 / 2 : 0;
  const top = 2 ** (bits - 1);
  // Sum over channels first (one plane of partial sums, slid along the channels: + entering − leaving
  // plane), then the spatial window: the same exact integer (fp32: the same sum up to double rounding).
  const hw = h * w;
  const plane = new Float64Array(hw);
  for (let o = 0; o < co; o++) {
    if (o === 0)
      for (let i = 0; i < kc; i++) {
        const base = src + i * hw;
        for (let p = 0; p < hw; p++) plane[p]! += act[base + p]!;
      }
    else {
      const enter = src + (o + kc - 1) * hw;
      const leave = src + (o - 1) * hw;
      for (let p = 0; p < hw; p++) plane[p] = plane[p]! + act[enter + p]! - act[leave + p]!;
    }
    for (let y = 0; y < ho; y++) {
      const at = dst + (o * ho + y) * wo * eb;
      for (let x = 0; x < wo; x++) {
        let sum = 0;
        for (let j = 0; j < kh; j++) {
          const r = (y + j * dil) * w + x;
          for (let k = 0; k < kw; k++) sum += plane[r + k * dil]!;
        }
        if (isInt) {
          const v = shift > 0 ? Math.floor((sum + half) / p2) : sum;
          out[at + x * eb] = v < -top ? -top : v > top - 1 ? top - 1 : v;
        } else out[at + x * eb] = sum;
      }
    }
  }
}

function convLike(s: MachineState, f: Fields, isGemm: boolean): void {
  const sbuf = bufferOf(str(f, "sbuf"));
  const dst = num(f, "dst"),
    src = num(f, "src"),
    wgt = num(f, "wgt");
  const accum = num(f, "accum") === 1;
  const inp = s.sram[sbuf],
    W = s.sram.wgt,
    acc = s.sram.acc;
  const es = elementBytes(s, sbuf, src);
  const isInt = s.dtype === "int8";
  // A gemm is a 1x1 conv over m "pixels" with k channels, except that its input is [m][k] and output [m][n].
  let c: number, h: number, w: number, kh: number, kw: number, stride: number, dil: number, cout: number, dw: boolean;
  if (isGemm) {
    [c, h, w, kh, kw, stride, dil, cout, dw] = [num(f, "k"), 1, num(f, "m"), 1, 1, 1, 1, num(f, "n"), false];
  } else {
    [c, h, w, kh, kw] = [num(f, "c"), num(f, "h"), num(f, "w"), num(f, "kh"), num(f, "kw")];
    [stride, dil, cout, dw] = [num(f, "stride"), num(f, "dil"), num(f, "cout"), num(f, "dw") === 1];
  }
  const ho = outSize(h, kh, stride, dil),
    wo = outSize(w, kw, stride, dil);
  const cin = dw ? 1 : c;
  const T = ho * wo;
  check(inp, sbuf, src, src + c * h * w * es);
  check(W, "wgt", wgt, wgt + cout * cin * kh * kw);
  check(acc, "acc", dst, dst + cout * T * 4);
  if (dw && cout !== c) throw new InputError(`depthwise conv needs cout == c (got cout=${cout}, c=${c})`);
  // Input element (ci, y, x) sits at src + ((ci*h + y)*w + x)*es; for gemm (m, kk) at src + (m*k + kk)*es.
  const chanStride = isGemm ? es : h * w * es;
  const pixStride = isGemm ? c * es : es;
  const step = stride * pixStride;
  const rowStep = stride * w * pixStride;
  const wStride = cin * kh * kw; // weights of one output channel: [i][j][k]
  // Output-stationary register tiles: 4 output channels × 4 output pixels (16 accumulators), each tap
  // loading 4 weights and 4 inputs. Every output sums its taps in (i, j, k) order, whatever the tile.
  const put = (o: number, p: number, sum: number): void => {
    // Output layout: conv [o][y][x]; gemm [m][n].
    const a = dst + (isGemm ? p * cout + o : o * T + p) * 4;
    const v = accum ? acc[a]! + sum : sum;
    acc[a] = isInt ? v | 0 : v;
  };
  // Input offset of every tap (i, j, k) from an output pixel's origin, in weight order (depthwise: i = 0,
  // the channel is added per output channel).
  const taps = wStride;
  const tapOff = new Int32Array(taps);
  for (let i = 0, t = 0; i < cin; i++)
    for (let j = 0; j < kh; j++)
      for (let k = 0; k < kw; k++, t++) tapOff[t] = i * chanStride + (j * dil * w + k * dil) * pixStride;
  // Input origin of every output pixel p (row-major over the tile), so that a tile of 4 pixels may span rows.
  const origin = new Int32Array(T);
  for (let y = 0, p = 0; y < ho; y++) for (let x = 0; x < wo; x++, p++) origin[p] = src + y * rowStep + x * step;
  const o4 = dw ? 0 : cout - (cout % 4);
  const p4 = T - (T % 4);
  const tile = new Float64Array(16);
  for (let o0 = 0; o0 < o4; o0 += 4) {
    const wa0 = wgt + o0 * wStride;
    for (let p = 0; p < p4; p += 4) {
      macTile(W, wa0, wStride, inp, origin[p]!, origin[p + 1]!, origin[p + 2]!, origin[p + 3]!, tapOff, tile);
      for (let r = 0; r < 16; r++) put(o0 + (r >> 2), p + (r & 3), tile[r]!);
    }
    // Pixels left over, for this block of 4 channels.
    for (let o = o0; o < o0 + 4; o++) convPoints(o, p4);
  }
  // Channels left over (and every depthwise channel): one output at a time.
  for (let o = o4; o < cout; o++) convPoints(o, 0);

  function convPoints(o: number, pFrom: number): void {
    const wa0 = wgt + o * wStride;
    const chan = dw ? o * chanStride : 0;
    for (let p = pFrom; p < T; p++) {
      const pix = origin[p]! + chan;
      let sum = 0;
      for (let t = 0; t < taps; t++) sum += W[wa0 + t]! * inp[pix + tapOff[t]!]!;
      put(o, p, sum);
    }
  }
}

/**
 * One output-stationary register tile of conv/gemm: 4 output channels (weights `wStride` apart from `wa0`) × 4
 * output pixels (input origins q0..q3), summed over the taps in order; tile[4·channel + pixel].
 * A small function of its own so that it is optimised early and independently of its caller.
 */
function macTile(
  W: Storage,
  wa0: number,
  wStride: number,
  inp: Storage,
  q0: number,
  q1: number,
  q2: number,
  q3: number,
  tapOff: Int32Array,
  tile: Float64Array,
): void {
  let s00 = 0,
    s01 = 0,
    s02 = 0,
    s03 = 0,
    s10 = 0,
    s11 = 0,
    s12 = 0,
    s13 = 0;
  let s20 = 0,
    s21 = 0,
    s22 = 0,
    s23 = 0,
    s30 = 0,
    s31 = 0,
    s32 = 0,
    s33 = 0;
  const taps = tapOff.length;
  for (let t = 0; t < taps; t++) {
    const wa = wa0 + t;
    const w0 = W[wa]!;
    const w1 = W[wa + wStride]!;
    const w2 = W[wa + 2 * wStride]!;
    const w3 = W[wa + 3 * wStride]!;
    const b = tapOff[t]!;
    const v0 = inp[q0 + b]!;
    const v1 = inp[q1 + b]!;
    const v2 = inp[q2 + b]!;
    const v3 = inp[q3 + b]!;
    s00 += w0 * v0;
    s01 += w0 * v1;
    s02 += w0 * v2;
    s03 += w0 * v3;
    s10 += w1 * v0;
    s11 += w1 * v1;
    s12 += w1 * v2;
    s13 += w1 * v3;
    s20 += w2 * v0;
    s21 += w2 * v1;
    s22 += w2 * v2;
    s23 += w2 * v3;
    s30 += w3 * v0;
    s31 += w3 * v1;
    s32 += w3 * v2;
    s33 += w3 * v3;
  }
  tile[0] = s00;
  tile[1] = s01;
  tile[2] = s02;
  tile[3] = s03;
  tile[4] = s10;
  tile[5] = s11;
  tile[6] = s12;
  tile[7] = s13;
  tile[8] = s20;
  tile[9] = s21;
  tile[10] = s22;
  tile[11] = s23;
  tile[12] = s30;
  tile[13] = s31;
  tile[14] = s32;
  tile[15] = s33;
}

const conv: ExecFn = (s, f) => convLike(s, f, false);
const gemm: ExecFn = (s, f) => convLike(s, f, true);

const nothing: ExecFn = () => {};

/** One function per mnemonic; a mnemonic added to the table without semantics is a type error here. */
export const SEMANTICS = {
  load,
  store,
  pool,
  conv,
  gemm,
  "vop.requant": requant,
  "vop.add": vadd,
  "vop.pool": vpool,
  "vop.gap": gap,
  "vop.act": vact,
  "vop.mul": vmul,
  "vop.resize": vresize,
  sync: nothing,
  halt: nothing,
} satisfies Record<Mnemonic, ExecFn>;

/** Executes one instruction on the state. */
export function execute(s: MachineState, instr: Instr): void {
  const fn = (SEMANTICS as Record<string, ExecFn | undefined>)[instr.op];
  if (!fn) throw new InputError(`unknown instruction '${instr.op}'`);
  fn(s, instr.f);
}

/** A fresh machine state with zeroed memories of the given byte sizes. */
export function createState(
  dtype: Dtype,
  dramBytes: number,
  sramBytes: Readonly<Record<Buffer, number>>,
  poolDefaultBytes: number,
): MachineState {
  const make = (n: number): Storage => (dtype === "int8" ? new Int32Array(n) : new Float32Array(n));
  const sram = {} as Record<Buffer, Storage>;
  for (const b of BUFFERS) sram[b] = make(sramBytes[b]);
  return { dtype, dram: make(dramBytes), sram, poolWidths: new PoolWidths(poolDefaultBytes) };
}
