// What every instruction does, counted from its fields alone (never from data), and how long its unit takes.
// The same numbers come out with and without --timing-only, because nothing here looks at values.
//
// Counting conventions (the energy table prices exactly these counters, isa/counters.ts):
// - MAC array: one multiplication and one 32-bit accumulation per MAC; the multiplication is `mac.mult8` when the
//   activation element is 1 byte, `mac.mult16` when it is wider (a 16- or 32-bit E from the sum-pool buffer).
//   SRAM traffic follows the dataflow (SCALE-Sim convention: every fold streams its operands from SRAM):
//     ws: weights read once, inputs once per output-channel fold (T*K per fold column), partial sums of each
//         reduction fold written to acc and read back by the next one;
//     os: inputs once per output-channel fold, weights once per pixel fold, outputs written once;
//     is: inputs read once, weights once per pixel fold, partial sums as in ws.
//   An accumulating instruction (accum) also reads the previous acc value once per output.
// - Sum-pool unit: adds per isa/timing/pool.ts, counted at the adder array's width, pool.outBits (the exact
//   sum is formed before any requantising shift, so a narrower output does not make the adders narrower);
//   the input tile is read once (line buffers), E written once.
// - Vector unit: requant = bias add + multiply + shift + two compares (clamp) per element; add = one multiply per
//   operand, one add, shift, clamp; avg pool / gap = window sums, one multiply + shift + clamp per output; max
//   pool = one compare per in-bounds tap beyond the first.
// - vop.act: the int8 lookup table is read from the par SRAM, one 4-byte entry per element (sram.par.read); its
//   index x + 128 is the code with the sign bit flipped, so no adder; no multiply or compare either (the table
//   holds the clamped result). fp32 programs are counted as the int8 machine does the same instruction.
//   vop.mul: two multiplies per element (a·b, then the rescale), a shift and two compares (clamp); a broadcast gate
//   is read once per channel. vop.resize per output: bilinear reads 4 taps and does 6 multiplies and 3 adds
//   (wy·(wx·a + wx·b) + wy·(wx·c + wx·d)), nearest reads 1 tap; both then rescale (multiply, shift, two
//   compares). Weights come from an address generator, not SRAM (isa/resize.ts).
// - DMA: DRAM bytes = c*h*w*element size; SRAM bytes written include the zero padding. A load with src=act reads
//   c*h*w bytes of the act buffer instead of DRAM (sram.act.read) and moves no DRAM bytes.

import { ACTION_COUNTER_NAMES, type ActionCounter } from "../isa/counters.js";
import type { HwConfig } from "../isa/hw/types.js";
import { ELEMENT_BYTES, QUEUES, type Buffer } from "../isa/instructions.js";
import { bufferOf, num, outSize, PoolWidths, str } from "../isa/semantics.js";
import type { Instr } from "../isa/types.js";
import { SimulationError } from "./errors.js";
import { dmaTiming, localCopyCycles } from "../isa/timing/dma.js";
import { macMapping } from "../isa/timing/mac.js";
import { poolCycles, poolOutputs, poolPassAdds } from "../isa/timing/pool.js";
import { resizeTaps, vecCycles } from "../isa/timing/vec.js";

/** Columns of a work row: every action counter, then derived work. */
export const WORK_COLUMNS = [...ACTION_COUNTER_NAMES, "macs", "spu_adds", "dram_bytes"] as const;
export type WorkColumn = (typeof WORK_COLUMNS)[number];
export const NW = WORK_COLUMNS.length;
export const COL = Object.fromEntries(WORK_COLUMNS.map((k, i) => [k, i])) as Record<WorkColumn, number>;

/** Queue index of the control "unit" (halt). Queues 0..4 follow isa QUEUES. */
export const CTL = QUEUES.length;

export interface StaticAnalysis {
  readonly n: number;
  /** Work rows, n x NW. */
  readonly work: Float64Array;
  /** Queue index per instruction (CTL for halt). */
  readonly queue: Int8Array;
  /** Busy cycles of the unit (DMA: port cycles + latency; halt 0). */
  readonly duration: Float64Array;
  /** DMA only: cycles on the shared DRAM port, and the latency after them; -1 port for non-DMA. */
  readonly portCycles: Float64Array;
  readonly latency: Float64Array;
  /** Bit masks (QUEUES order) of wait and signal sets. */
  readonly waitMask: Uint8Array;
  readonly signalMask: Uint8Array;
}

type Row = (k: WorkColumn, v: number) => void;

export function analyse(instrs: readonly Instr[], hw: HwConfig): StaticAnalysis {
  const n = instrs.length;
  const a: StaticAnalysis = {
    n,
    work: new Float64Array(n * NW),
    queue: new Int8Array(n),
    duration: new Float64Array(n),
    portCycles: new Float64Array(n).fill(-1),
    latency: new Float64Array(n),
    waitMask: new Uint8Array(n),
    signalMask: new Uint8Array(n),
  };
  const widths = new PoolWidths(hw.pool.outBits / 8);
  for (let i = 0; i < n; i++) {
    const ins = instrs[i]!;
    const base = i * NW;
    const add: Row = (k, v) => {
      a.work[base + COL[k]]! += v;
    };
    try {
      a.waitMask[i] = mask(ins.wait);
      a.signalMask[i] = mask(ins.signal);
      add("instr.issue", 1);
      const q = analyseOne(ins, hw, widths, add, a, i);
      a.queue[i] = q;
      // Every unit instruction occupies its queue for at least one cycle; only halt is instantaneous.
      if (q !== CTL && a.duration[i]! < 1) a.duration[i] = 1;
    } catch (e) {
      throw SimulationError.at(i, ins, e);
    }
    a.work[base + COL.dram_bytes] = a.work[base + COL["dram.read"]]! + a.work[base + COL["dram.write"]]!;
  }
  return a;
}

function mask(qs: readonly string[]): number {
  let m = 0;
  for (const q of qs) {
    const k = (QUEUES as readonly string[]).indexOf(q);
    if (k < 0) throw new SimulationError(`unknown queue '${q}' in wait/signal`);
    m |= 1 << k;
  }
  return m;
}

const sramKey = (b: Buffer, rw: "read" | "write") => `sram.${b}.${rw}` as ActionCounter;
const Q = (name: (typeof QUEUES)[number]) => QUEUES.indexOf(name);

function analyseOne(ins: Instr, hw: HwConfig, widths: PoolWidths, add: Row, a: StaticAnalysis, i: number): number {
  const f = ins.f;
  switch (ins.op) {
    case "load":
    case "store": {
      const buf = bufferOf(str(f, "buf"));
      const sram = num(f, "sram");
      const es = buf === "pool" ? widths.get(sram) : ELEMENT_BYTES[buf];
      const c = num(f, "c"),
        h = num(f, "h"),
        w = num(f, "w");
      const bytes = c * h * w * es;
      if (ins.op === "load") {
        const H = h + num(f, "pt") + num(f, "pb"),
          W = w + num(f, "pl") + num(f, "pr");
        const written = c * H * W * es;
        add(sramKey(buf, "write"), written);
        if (f["src"] === "act") {
          // A local padded copy: no DRAM bytes and no DRAM port (isa/timing/dma.ts localCopyCycles).
          add("sram.act.read", c * h * w);
          a.portCycles[i] = 0;
          a.latency[i] = 0;
          a.duration[i] = localCopyCycles(written, hw);
          return Q("ld");
        }
        add("dram.read", bytes);
      } else {
        add("dram.write", bytes);
        add(sramKey(buf, "read"), bytes);
      }
      const t = dmaTiming(bytes, hw);
      a.portCycles[i] = t.portCycles;
      a.latency[i] = t.latency;
      a.duration[i] = t.portCycles + t.latency;
      return Q(ins.op === "load" ? "ld" : "st");
    }
    case "pool": {
      const bits = Number(str(f, "bits"));
      const shape = {
        c: num(f, "c"),
        h: num(f, "h"),
        w: num(f, "w"),
        kc: num(f, "kc"),
        kh: num(f, "kh"),
        kw: num(f, "kw"),
        dil: num(f, "dil"),
        separable: str(f, "mode") === "separable",
      };
      const { outputs } = poolOutputs(shape);
      widths.set(num(f, "dst"), outputs * (bits / 8), bits / 8);
      const adds = poolPassAdds(shape).reduce((x, y) => x + y, 0);
      add(`pool.add${Math.max(bits, hw.pool.outBits)}` as ActionCounter, adds);
      add("spu_adds", adds);
      add("sram.act.read", shape.c * shape.h * shape.w);
      add("sram.pool.write", outputs * (bits / 8));
      a.duration[i] = poolCycles(shape, hw);
      return Q("pool");
    }
    case "conv":
    case "gemm": {
      const sbuf = bufferOf(str(f, "sbuf"));
      const es = sbuf === "pool" ? widths.get(num(f, "src")) : ELEMENT_BYTES[sbuf];
      let T: number, K: number, N: number, dw: boolean;
      if (ins.op === "gemm") {
        [T, K, N, dw] = [num(f, "m"), num(f, "k"), num(f, "n"), false];
      } else {
        const c = num(f, "c"),
          h = num(f, "h"),
          w = num(f, "w"),
          kh = num(f, "kh"),
          kw = num(f, "kw");
        const stride = num(f, "stride"),
          dil = num(f, "dil");
        dw = num(f, "dw") === 1;
        T = outSize(h, kh, stride, dil) * outSize(w, kw, stride, dil);
        K = (dw ? 1 : c) * kh * kw;
        N = num(f, "cout");
      }
      const macs = T * K * N;
      const m = macMapping({ T, K, N, dw }, hw);
      const outs = T * N;
      add("macs", macs);
      add(es === 1 ? "mac.mult8" : "mac.mult16", macs);
      add("mac.add32", macs);
      const colFolds = dw ? 1 : Math.ceil(N / hw.mac.cols);
      const pixFolds = hw.mac.dataflow === "os" ? Math.ceil(T / hw.mac.rows) : Math.ceil(T / hw.mac.cols);
      const streamed = T * K * es * (dw ? N : 1); // im2col operand stream, bytes
      const wbytes = N * K;
      const flow = hw.mac.dataflow;
      add(sramKey(sbuf, "read"), flow === "is" ? streamed : streamed * colFolds);
      add("sram.wgt.read", flow === "ws" ? wbytes : wbytes * pixFolds);
      const rf = flow === "os" ? 1 : m.reductionFolds;
      const accum = num(f, "accum") === 1 ? 1 : 0;
      add("sram.acc.write", outs * rf * 4);
      add("sram.acc.read", outs * (rf - 1 + accum) * 4);
      a.duration[i] = m.cycles;
      return Q("mac");
    }
    case "vop.requant": {
      const c = num(f, "c"),
        E = c * num(f, "h") * num(f, "w");
      add("vec.add32", E);
      add("vec.mult32", E);
      add("vec.shift32", E);
      add("vec.cmp8", 2 * E);
      add("sram.acc.read", 4 * E);
      add("sram.act.write", E);
      add("sram.par.read", 4 * (2 + 3 * c));
      a.duration[i] = vecCycles(E, hw);
      return Q("vec");
    }
    case "vop.add": {
      const E = num(f, "c") * num(f, "h") * num(f, "w");
      const ops = num(f, "nob") === 1 ? 1 : 2;
      add("vec.mult32", ops * E);
      add("vec.add32", (ops - 1) * E);
      add("vec.shift32", E);
      add("vec.cmp8", 2 * E);
      add("sram.act.read", ops * E);
      add("sram.act.write", E);
      add("sram.par.read", 20);
      a.duration[i] = vecCycles(E, hw);
      return Q("vec");
    }
    case "vop.pool": {
      const c = num(f, "c"),
        h = num(f, "h"),
        w = num(f, "w");
      const win = num(f, "win"),
        stride = num(f, "stride"),
        pad = num(f, "pad");
      const ho = outSize(h + 2 * pad, win, stride, 1),
        wo = outSize(w + 2 * pad, win, stride, 1);
      const taps = c * inBounds(ho, h, win, stride, pad) * inBounds(wo, w, win, stride, pad);
      const O = c * ho * wo;
      if (str(f, "op") === "max") add("vec.cmp8", taps - O);
      else {
        add("vec.add32", taps - O);
        add("vec.mult32", O);
        add("vec.shift32", O);
        add("vec.cmp8", 2 * O);
        add("sram.par.read", 16);
      }
      add("sram.act.read", taps);
      add("sram.act.write", O);
      a.duration[i] = vecCycles(Math.max(taps, O), hw);
      return Q("vec");
    }
    case "vop.gap": {
      const c = num(f, "c"),
        hw2 = num(f, "h") * num(f, "w");
      add("vec.add32", c * (hw2 - 1));
      add("vec.mult32", c);
      add("vec.shift32", c);
      add("vec.cmp8", 2 * c);
      add("sram.act.read", c * hw2);
      add("sram.act.write", c);
      add("sram.par.read", 16);
      a.duration[i] = vecCycles(c * hw2, hw);
      return Q("vec");
    }
    case "vop.act": {
      const E = num(f, "c") * num(f, "h") * num(f, "w");
      add("sram.act.read", E);
      add("sram.par.read", 4 * E);
      add("sram.act.write", E);
      a.duration[i] = vecCycles(E, hw);
      return Q("vec");
    }
    case "vop.mul": {
      const c = num(f, "c"),
        E = c * num(f, "h") * num(f, "w");
      add("vec.mult32", 2 * E);
      add("vec.shift32", E);
      add("vec.cmp8", 2 * E);
      add("sram.act.read", E + (num(f, "bc") === 1 ? c : E));
      add("sram.act.write", E);
      add("sram.par.read", 16);
      a.duration[i] = vecCycles(E, hw);
      return Q("vec");
    }
    case "vop.resize": {
      const O = num(f, "c") * num(f, "h") * num(f, "sh") * num(f, "w") * num(f, "sw");
      const bilinear = str(f, "mode") === "bilinear";
      const taps = resizeTaps(bilinear ? "bilinear" : "nearest");
      add("vec.mult32", (bilinear ? 7 : 1) * O);
      if (bilinear) add("vec.add32", 3 * O);
      add("vec.shift32", O);
      add("vec.cmp8", 2 * O);
      add("sram.act.read", taps * O);
      add("sram.act.write", O);
      add("sram.par.read", 16);
      a.duration[i] = vecCycles(taps * O, hw);
      return Q("vec");
    }
    case "sync": {
      const q = (QUEUES as readonly string[]).indexOf(str(f, "q"));
      if (q < 0) throw new SimulationError(`sync names unknown queue '${str(f, "q")}'`);
      a.duration[i] = 1;
      return q;
    }
    case "halt":
      a.duration[i] = 0;
      return CTL;
    default:
      throw new SimulationError(`unknown instruction '${ins.op}'`);
  }
}

/** Sum over output positions of the in-bounds taps along one axis of a padded window. */
function inBounds(outs: number, n: number, win: number, stride: number, pad: number): number {
  let t = 0;
  for (let o = 0; o < outs; o++) {
    const lo = Math.max(0, o * stride - pad),
      hi = Math.min(n, o * stride - pad + win);
    if (hi > lo) t += hi - lo;
  }
  return t;
}
