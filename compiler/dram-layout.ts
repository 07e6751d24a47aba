// DRAM layout of a compiled program: activations, weights (tile by tile) and parameter tables.
//
//   activations  [c][h][w] one element per byte address, images back to back (int8; fp32 programs keep the layout)
//   weights      per layer, blocks in tile order: for each cout tile, for each input chunk, [o][i][kh][kw]
//                (alpha [o][c][n][n], fc [p][q]), each block 16-byte aligned so one block is one contiguous load
//   parameters   per layer, int32 (or float32) tables in the layouts of isa/instructions.ts:
//                requant per cout tile: lo, hi, then (bias, mult, shift) per channel; add: lo, hi, ma, mb, shift;
//                pool/gap: lo, hi, mult, shift — each table 16-byte aligned.

import type { Segment } from "../isa/program.js";
import type { Layer, LayerProgram, Requant } from "./layers.js";
import { align16, chw, type LayerPlan } from "./passes/tile.js";
import { zeroFloats, zeroInt8s } from "./placeholders.js";

/** Regions start on this byte boundary (a DRAM burst). */
const REGION_ALIGN = 64;
const alignRegion = (a: number) => Math.ceil(a / REGION_ALIGN) * REGION_ALIGN;

export interface TensorRegion {
  readonly name: string;
  readonly addr: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  /** Elements (= bytes) of one image. */
  readonly imageBytes: number;
}

/** A block of a layer's weights or parameters: DRAM byte address and length in bytes. */
export interface Block {
  readonly addr: number;
  readonly bytes: number;
}

export interface LayerRegions {
  /** All weight blocks of the layer, contiguous: [addr, addr + bytes). */
  readonly weights: Block | null;
  /** Weight block per (cout tile index, input chunk index), key `${ot}:${ic}`. */
  readonly wBlocks: ReadonlyMap<string, Block>;
  readonly par: Block | null;
  /** Parameter table per cout tile (requant), or a single one at key 0 (add, pool, gap). */
  readonly parBlocks: readonly Block[];
}

export interface DramLayout {
  readonly tensors: ReadonlyMap<string, TensorRegion>;
  readonly layers: readonly LayerRegions[];
  readonly segments: readonly Segment[];
  readonly bytes: number;
}

/** Copies block (o0..o1) x (i0..i1) of a [nOut][nIn][pp] tensor into `out` at `at`, as [o][i][pp]. */
function copyBlock(
  src: Int8Array | Float32Array,
  nIn: number,
  pp: number,
  o0: number,
  o1: number,
  i0: number,
  i1: number,
  out: Int8Array | Float32Array,
  at: number,
): void {
  // Rows i0..i1 of one output channel are contiguous in src (all of them when the block spans every input).
  const row = (i1 - i0) * pp;
  if (i0 === 0 && i1 === nIn) {
    out.set(src.subarray(o0 * row, o1 * row), at);
    return;
  }
  for (let o = o0, k = at; o < o1; o++, k += row) {
    const base = (o * nIn + i0) * pp;
    out.set(src.subarray(base, base + row), k);
  }
}

/** The weight matrix the MAC array reads for a layer, as [nOut][nIn][pp], and how it is tiled. */
function weightView(
  plan: LayerPlan,
  fp32: boolean,
): { data: Int8Array | Float32Array; nOut: number; nIn: number; pp: number; tOut: number; tIn: number } | null {
  if (plan.kind === "conv") {
    const l = plan.layer;
    if (!fp32 && !l.q) throw new Error(`layer '${l.name}' has no quantised weights in an int8 program`);
    const st = l.structured;
    const data = fp32 ? (st ? st.alpha : l.weight) : l.q!.weight;
    const nIn = plan.depthwise ? 1 : st ? st.c : l.cin / l.groups;
    const pp = st ? st.n * st.n : l.kh * l.kw;
    return { data, nOut: l.cout, nIn, pp, tOut: plan.cout, tIn: plan.depthwise || st ? nIn : plan.cin };
  }
  if (plan.kind === "fc") {
    const l = plan.layer;
    if (!fp32 && !l.q) throw new Error(`layer '${l.name}' has no quantised weights in an int8 program`);
    const st = l.structured;
    const data = fp32 ? (st ? st.alpha : l.weight) : l.q!.weight;
    const nIn = st ? st.R : l.Q;
    return { data, nOut: l.P, nIn, pp: 1, tOut: plan.cout, tIn: plan.k };
  }
  return null;
}

function requantOf(l: Layer, fp32: boolean): Requant | null {
  if (l.kind !== "conv" && l.kind !== "fc") return null;
  if (fp32) return null;
  if (!l.q) throw new Error(`layer '${l.name}' has no requantisation parameters in an int8 program`);
  return l.q.requant;
}

/** Parameter tables of a layer as numbers (ints for int8 programs, floats for fp32). */
function parTables(plan: LayerPlan, fp32: boolean): number[][] {
  const l = plan.layer;
  if (plan.kind === "conv" || plan.kind === "fc") {
    const nOut = plan.kind === "conv" ? plan.layer.cout : plan.layer.P;
    const bias = plan.kind === "conv" ? plan.layer.bias : plan.layer.bias;
    const rq = requantOf(l, fp32);
    const tables: number[][] = [];
    for (let o0 = 0; o0 < nOut; o0 += plan.cout) {
      const o1 = Math.min(nOut, o0 + plan.cout);
      const t = rq ? [rq.lo, rq.hi] : [l.clamp.lo, l.clamp.hi];
      for (let o = o0; o < o1; o++) t.push(rq ? rq.bias[o]! : bias[o]!, rq ? rq.mult[o]! : 1, rq ? rq.shift[o]! : 0);
      tables.push(t);
    }
    return tables;
  }
  if (plan.kind === "add") {
    const q = plan.layer.q;
    if (!fp32 && !q) throw new Error(`layer '${l.name}' has no quantisation parameters in an int8 program`);
    return [fp32 || !q ? [l.clamp.lo, l.clamp.hi, 1, 1, 0] : [q.lo, q.hi, q.ma, q.mb, q.shift]];
  }
  const pl = plan.layer;
  const [, H, W] = chw(pl.inShape);
  const q = pl.q;
  if (fp32 || !q) {
    if (!fp32 && pl.kind !== "maxpool")
      throw new Error(`layer '${l.name}' has no quantisation parameters in an int8 program`);
    const window = pl.kind === "gap" ? H * W : pl.kind === "avgpool" ? pl.k * pl.k : 1;
    return [[fp32 ? l.clamp.lo : -128, fp32 ? l.clamp.hi : 127, 1 / window, 0]];
  }
  return [[q.lo, q.hi, q.mult, q.shift]];
}

export function layoutDram(lp: LayerProgram, plans: readonly LayerPlan[], batch: number): DramLayout {
  const fp32 = lp.dtype === "fp32";
  let next = 0;
  const tensors = new Map<string, TensorRegion>();
  const place = (name: string, shape: readonly number[]) => {
    if (tensors.has(name)) return;
    const [c, h, w] = chw(shape);
    const imageBytes = c * h * w;
    const addr = alignRegion(next);
    tensors.set(name, { name, addr, c, h, w, imageBytes });
    next = addr + imageBytes * batch;
  };
  place(lp.input.name, lp.input.shape);
  for (const l of lp.layers) {
    l.inputs.forEach((t, i) => place(t, lp.shapes.get(t) ?? (i === 0 ? l.inShape : l.inShape)));
    place(l.output, l.outShape);
  }

  const segments: Segment[] = [];
  const layers: LayerRegions[] = [];
  for (const plan of plans) {
    const name = plan.layer.name;
    // Weights, block by block.
    let weights: Block | null = null;
    const wBlocks = new Map<string, Block>();
    const wv = weightView(plan, fp32);
    if (wv) {
      const base = alignRegion(next);
      let off = 0;
      const sizes: [string, number, number, number, number][] = [];
      let ot = 0;
      for (let o0 = 0; o0 < wv.nOut; o0 += wv.tOut, ot++) {
        let ic = 0;
        for (let i0 = 0; i0 < wv.nIn; i0 += wv.tIn, ic++) {
          const o1 = Math.min(wv.nOut, o0 + wv.tOut);
          const i1 = Math.min(wv.nIn, i0 + wv.tIn);
          const bytes = align16((o1 - o0) * (i1 - i0) * wv.pp);
          wBlocks.set(`${ot}:${ic}`, { addr: base + off, bytes });
          sizes.push([`${ot}:${ic}`, o0, o1, i0, i1]);
          off += bytes;
        }
      }
      // Placeholder weights are zeros: their image is a shared zero view (compiler/placeholders.ts), never written.
      const data = lp.placeholders
        ? fp32
          ? zeroFloats(off)
          : zeroInt8s(off)
        : fp32
          ? new Float32Array(off)
          : new Int8Array(off);
      if (!lp.placeholders)
        for (const [key, o0, o1, i0, i1] of sizes)
          copyBlock(wv.data, wv.nIn, wv.pp, o0, o1, i0, i1, data, wBlocks.get(key)!.addr - base);
      weights = { addr: base, bytes: off };
      segments.push({ name: `${name}.weights`, addr: base, esize: 1, data });
      next = base + off;
    }
    // Parameter tables, each 16-byte aligned (4 words).
    const tables = parTables(plan, fp32);
    const base = alignRegion(next);
    const parBlocks: Block[] = [];
    let words = 0;
    for (const t of tables) {
      const len = Math.ceil(t.length / 4) * 4;
      parBlocks.push({ addr: base + words * 4, bytes: len * 4 });
      words += len;
    }
    const pdata = fp32 ? new Float32Array(words) : new Int32Array(words);
    let w = 0;
    for (const t of tables) {
      pdata.set(t, w);
      w += Math.ceil(t.length / 4) * 4;
    }
    segments.push({ name: `${name}.par`, addr: base, esize: 4, data: pdata });
    next = base + words * 4;
    layers.push({ weights, wBlocks, par: { addr: base, bytes: words * 4 }, parBlocks });
  }
  return { tensors, layers, segments, bytes: alignRegion(next) };
}
