// Schedule pass: walks every layer's tiles and emits the unit operations of each tile in program order
// (load -> pool -> conv/gemm -> vop -> store), rotating through the allocated slots so that tile i+1's loads
// overlap tile i's compute (double buffering). Synchronisation is then derived, not hand-placed:
// every operation records the SRAM byte ranges and DRAM tensor boxes it reads and writes; a later access that
// overlaps an earlier one (read-after-write, write-after-read, write-after-write) on another queue becomes a
// dependency, and dependencies become tokens on the FIFO channel between the two queues (deriveTokens).
// Because every dependency points backwards in program order, program order is a valid dispatch order
// and the token program cannot deadlock.

import { QUEUES, type Buffer, type Queue } from "../../isa/instructions.js";
import { instr } from "../../isa/build.js";
import type { Instr } from "../../isa/types.js";
import type { HwConfig } from "../../isa/hw/types.js";
import type { DramLayout, LayerRegions, TensorRegion } from "../dram-layout.js";
import type { Allocation } from "./allocate.js";
import {
  blockAddr,
  directInput,
  localInput,
  NO_RESIDENCY,
  residentOutput,
  type Residency,
  type ResidentTensor,
} from "./residency.js";
import {
  chw,
  inRowsFor,
  type AddPlan,
  type ConvPlan,
  type FcPlan,
  type LayerPlan,
  type PoolPlan,
  type SlotNeed,
} from "./tile.js";

/** A byte range of an SRAM buffer. */
export interface SramRange {
  readonly buf: Buffer;
  readonly lo: number;
  readonly hi: number;
}

/** A box of an activation tensor in DRAM: image, channel range, row range (all columns). */
export interface DramBox {
  readonly tensor: string;
  readonly image: number;
  readonly c0: number;
  readonly c1: number;
  readonly y0: number;
  readonly y1: number;
}

export interface Op {
  readonly queue: Queue;
  readonly instr: Instr;
  readonly layer: number;
  readonly reads: readonly SramRange[];
  readonly writes: readonly SramRange[];
  readonly dramReads: readonly DramBox[];
  readonly dramWrites: readonly DramBox[];
}

export interface ScheduleContext {
  readonly hw: HwConfig;
  readonly layout: DramLayout;
  readonly batch: number;
  readonly dtype: "int8" | "fp32";
  /** Tensors kept in the act SRAM between layers (none when absent). */
  readonly residency?: Residency;
}

// Field limits of the DMA shape (isa/instructions.ts: c 12 bits, h and w 10 bits).
const MAX_C = 4095;
const MAX_HW = 1023;

/** Splits a contiguous run of `n` elements into DMA shapes (c, h, w) with rstride = w, prows = h. */
export function contiguousPieces(n: number): { c: number; h: number; w: number }[] {
  const largestDivisor = (x: number, max: number) => {
    for (let d = Math.min(x, max); d >= 1; d--) if (x % d === 0) return d;
    return 1;
  };
  const w = largestDivisor(n, MAX_HW);
  const h = largestDivisor(n / w, MAX_HW);
  const c = n / w / h;
  if (c <= MAX_C) return [{ c, h, w }];
  // No exact factorisation: rows of 1008 elements (a multiple of 16, so each piece starts on an SRAM row), then the rest.
  const ROW = 1008;
  const pieces: { c: number; h: number; w: number }[] = [];
  let left = n;
  while (left >= ROW) {
    const rows = Math.min(Math.floor(left / ROW), MAX_HW * MAX_C);
    const h2 = Math.min(rows, MAX_HW);
    const c2 = Math.floor(rows / h2);
    pieces.push({ c: c2, h: h2, w: ROW });
    left -= c2 * h2 * ROW;
  }
  if (left > 0) pieces.push(...contiguousPieces(left));
  return pieces;
}

class Emitter {
  readonly ops: Op[] = [];
  layer = 0;
  private readonly turn = new Map<string, number>();
  constructor(readonly ctx: ScheduleContext) {}

  emit(queue: Queue, ins: Instr, acc: Partial<Pick<Op, "reads" | "writes" | "dramReads" | "dramWrites">>): void {
    this.ops.push({
      queue,
      instr: ins,
      layer: this.layer,
      reads: acc.reads ?? [],
      writes: acc.writes ?? [],
      dramReads: acc.dramReads ?? [],
      dramWrites: acc.dramWrites ?? [],
    });
  }

  /** Next slot of a role, round robin over the allocated slots (two slots = double buffering). */
  slot(alloc: Allocation, role: SlotNeed["role"]): number {
    const slots = alloc.slots.get(role);
    if (!slots || slots.length === 0) throw new Error(`schedule: no ${role} slot allocated for layer ${this.layer}`);
    const k = `${this.layer}:${role}`;
    const t = this.turn.get(k) ?? 0;
    this.turn.set(k, t + 1);
    return slots[t % slots.length]!;
  }

  /**
   * Contiguous DRAM -> SRAM copy of `bytes` bytes of elements of `esize` bytes (weights, parameter tables, an FC's
   * input vector); `dramReads` names the tensor read when it is a layer's output, so the copy waits for it.
   */
  loadContiguous(
    buf: "wgt" | "par" | "act",
    sram: number,
    dram: number,
    bytes: number,
    esize: number,
    dramReads: readonly DramBox[] = [],
  ): void {
    let off = 0;
    for (const p of contiguousPieces(bytes / esize)) {
      const n = p.c * p.h * p.w * esize;
      this.emit(
        "ld",
        instr("load", {
          buf,
          sram: sram + off,
          dram: dram + off,
          c: p.c,
          h: p.h,
          w: p.w,
          rstride: p.w,
          prows: p.h,
          pt: 0,
          pb: 0,
          pl: 0,
          pr: 0,
          src: "dram",
        }),
        { writes: [{ buf, lo: sram + off, hi: sram + off + n }], dramReads },
      );
      off += n;
    }
  }

  /**
   * Loads channels [c0, c1), rows [y0, y1) and columns [x0, x1) of an activation tensor, in unpadded coordinates
   * that may reach outside the tensor: those rows and columns become the load's zero padding.
   * Returns the SRAM bytes written.
   */
  loadTile(
    t: TensorRegion | ResidentTensor,
    image: number,
    sram: number,
    c0: number,
    c1: number,
    y0: number,
    y1: number,
    x0: number,
    x1: number,
  ): number {
    const pt = Math.max(0, -y0);
    const pb = Math.max(0, y1 - t.h);
    const pl = Math.max(0, -x0);
    const pr = Math.max(0, x1 - t.w);
    const r0 = Math.max(0, y0);
    const r1 = Math.min(t.h, y1);
    const q0 = Math.max(0, x0);
    const q1 = Math.min(t.w, x1);
    if (pt > 3 || pb > 3 || pl > 3 || pr > 3)
      throw new Error(`schedule: padding (${pt},${pb},${pl},${pr}) beyond the load's limit`);
    const bytes = (c1 - c0) * (y1 - y0) * (x1 - x0);
    // A resident source (only whole-plane ones, rows = h) is [c][h][w] per image in the act SRAM, like DRAM.
    const resident = "producer" in t;
    const from = t.addr + image * t.imageBytes + (c0 * t.h + r0) * t.w + q0;
    if (resident && t.rows !== t.h) throw new Error(`schedule: resident ${t.name} is not whole planes`);
    const n = (c1 - c0) * Math.max(0, r1 - r0) * Math.max(0, q1 - q0);
    if (resident) {
      const last = t.addr + image * t.imageBytes + ((c1 - 1) * t.h + r1 - 1) * t.w + q1;
      this.emit(
        "ld",
        instr("load", {
          buf: "act",
          sram,
          dram: from,
          c: c1 - c0,
          h: Math.max(0, r1 - r0),
          w: Math.max(0, q1 - q0),
          rstride: t.w,
          prows: t.h,
          pt,
          pb,
          pl,
          pr,
          src: "act",
        }),
        {
          reads: n > 0 ? [{ buf: "act", lo: from, hi: last }] : [],
          writes: [{ buf: "act", lo: sram, hi: sram + bytes }],
        },
      );
      return bytes;
    }
    const dram = from;
    this.emit(
      "ld",
      instr("load", {
        buf: "act",
        sram,
        dram,
        c: c1 - c0,
        h: Math.max(0, r1 - r0),
        w: Math.max(0, q1 - q0),
        rstride: t.w,
        prows: t.h,
        pt,
        pb,
        pl,
        pr,
        src: "dram",
      }),
      {
        writes: [{ buf: "act", lo: sram, hi: sram + bytes }],
        dramReads: [{ tensor: t.name, image, c0, c1, y0: r0, y1: r1 }],
      },
    );
    return bytes;
  }

  loadRows(
    t: TensorRegion | ResidentTensor,
    image: number,
    sram: number,
    c0: number,
    c1: number,
    y0: number,
    y1: number,
    pl: number,
    pr: number,
  ): number {
    return this.loadTile(t, image, sram, c0, c1, y0, y1, -pl, t.w + pr);
  }

  /**
   * Copies an output tile [c1-c0][y1-y0][w] from its slot into a whole-plane resident tensor (copied: true), one
   * `load src=act` per channel: the channel's rows are contiguous in both places, the channels are not.
   */
  copyIntoPlanes(t: ResidentTensor, image: number, from: number, c0: number, c1: number, y0: number, y1: number): void {
    // Deferred until the next tile's output (flushCopies): the load queue is in order, and a copy placed right
    // after its requant would hold the next tile's input loads behind this tile's compute (no double buffering).
    this.pending.push(() => this.emitCopies(t, image, from, c0, c1, y0, y1));
  }

  /** Emits the deferred copies into resident planes (before the next output tile is written, and at layer end). */
  flushCopies(): void {
    const todo = this.pending.splice(0);
    for (const f of todo) f();
  }

  private readonly pending: (() => void)[] = [];

  private emitCopies(
    t: ResidentTensor,
    image: number,
    from: number,
    c0: number,
    c1: number,
    y0: number,
    y1: number,
  ): void {
    const ny = y1 - y0;
    const n = ny * t.w;
    for (let ci = c0; ci < c1; ci++) {
      const src = from + (ci - c0) * n;
      const dst = t.addr + image * t.imageBytes + (ci * t.h + y0) * t.w;
      this.emit(
        "ld",
        instr("load", {
          buf: "act",
          sram: dst,
          dram: src,
          c: 1,
          h: ny,
          w: t.w,
          rstride: t.w,
          prows: ny,
          pt: 0,
          pb: 0,
          pl: 0,
          pr: 0,
          src: "act",
        }),
        { reads: [{ buf: "act", lo: src, hi: src + n }], writes: [{ buf: "act", lo: dst, hi: dst + n }] },
      );
    }
  }

  storeRows(
    t: TensorRegion,
    image: number,
    sram: number,
    c0: number,
    c1: number,
    y0: number,
    y1: number,
    x0 = 0,
    x1 = t.w,
  ): void {
    const bytes = (c1 - c0) * (y1 - y0) * (x1 - x0);
    const dram = t.addr + image * t.imageBytes + (c0 * t.h + y0) * t.w + x0;
    this.emit(
      "st",
      instr("store", { buf: "act", sram, dram, c: c1 - c0, h: y1 - y0, w: x1 - x0, rstride: t.w, prows: t.h }),
      { reads: [{ buf: "act", lo: sram, hi: sram + bytes }], dramWrites: [{ tensor: t.name, image, c0, c1, y0, y1 }] },
    );
  }
}

function tensor(ctx: ScheduleContext, name: string): TensorRegion {
  const t = ctx.layout.tensors.get(name);
  if (!t) throw new Error(`schedule: tensor '${name}' has no DRAM region`);
  return t;
}

/** Parameters (weights, tables): resident ones are loaded once per layer; returns address lookups. */
function residentParams(em: Emitter, plan: ConvPlan | FcPlan, alloc: Allocation, regions: LayerRegions) {
  let wBase = -1;
  let pBase = -1;
  if (plan.wgtResident && regions.weights) {
    wBase = em.slot(alloc, "wgt");
    em.loadContiguous("wgt", wBase, regions.weights.addr, regions.weights.bytes, 1);
  }
  if (plan.parResident && regions.par) {
    pBase = em.slot(alloc, "par");
    em.loadContiguous("par", pBase, regions.par.addr, regions.par.bytes, 4);
  }
  const weightAt = (ot: number, ic: number): { addr: number; bytes: number } => {
    const b = regions.wBlocks.get(`${ot}:${ic}`);
    if (!b || !regions.weights) throw new Error(`schedule: no weight block ${ot}:${ic} for layer '${plan.layer.name}'`);
    if (wBase >= 0) return { addr: wBase + (b.addr - regions.weights.addr), bytes: b.bytes };
    const at = em.slot(alloc, "wgt");
    em.loadContiguous("wgt", at, b.addr, b.bytes, 1);
    return { addr: at, bytes: b.bytes };
  };
  const parAt = (ot: number): { addr: number; bytes: number } => {
    const b = regions.parBlocks[ot];
    if (!b || !regions.par) throw new Error(`schedule: no parameter table ${ot} for layer '${plan.layer.name}'`);
    if (pBase >= 0) return { addr: pBase + (b.addr - regions.par.addr), bytes: b.bytes };
    const at = em.slot(alloc, "par");
    em.loadContiguous("par", at, b.addr, b.bytes, 4);
    return { addr: at, bytes: b.bytes };
  };
  return { weightAt, parAt };
}

function eBitsOf(plan: ConvPlan | FcPlan): "8" | "16" | "32" {
  return String(plan.eBytes * 8) as "8" | "16" | "32";
}

function scheduleConv(em: Emitter, plan: ConvPlan, alloc: Allocation, regions: LayerRegions): void {
  const { ctx } = em;
  const l = plan.layer;
  const [C, , W] = chw(l.inShape);
  const [Co, Ho, Wo] = chw(l.outShape);
  const [pt, pl, , pr] = l.pads;
  const s = l.stride;
  const d = l.dilation;
  const k = l.kh;
  const st = l.structured;
  const n = st ? st.n : k;
  const Wp = W + pl + pr;
  const inT = tensor(ctx, l.inputs[0]!);
  const outT = tensor(ctx, l.output);
  const { weightAt, parAt } = residentParams(em, plan, alloc, regions);
  const res = ctx.residency ?? NO_RESIDENCY;
  const inRes = directInput(res, plan, em.layer, 0);
  const inLocal = localInput(res, plan, em.layer, 0);
  const outRes = residentOutput(res, plan, em.layer);
  const eShift = ctx.dtype === "int8" ? (l.q?.eShift ?? 0) : 0;
  const poolMode = ctx.hw.pool.mode;
  const nO = Math.ceil(Co / plan.cout);
  const shared = !plan.depthwise && (st !== undefined || plan.cin === C);

  for (let img = 0; img < ctx.batch; img++) {
    for (let y0 = 0; y0 < Ho; y0 += plan.rows) {
      const y1 = Math.min(Ho, y0 + plan.rows);
      const ny = y1 - y0;
      const iy0 = y0 * s - pt;
      const inRows = inRowsFor(ny, s, d, k);
      const eRows = inRowsFor(ny, s, d, n);
      for (let x0 = 0; x0 < Wo; x0 += plan.cols) {
        const x1 = Math.min(Wo, x0 + plan.cols);
        const nx = x1 - x0;
        // Input columns of this tile (unpadded coordinates); full-width tiles take the layer's padding whole.
        const ix0 = plan.cols === Wo ? -pl : x0 * s - pl;
        const inCols = plan.cols === Wo ? Wp : inRowsFor(nx, s, d, k);
        const eW = inCols - d * (k - n);

        /** Loads the input rows of channels [c0, c1) and, when structured, sum-pools them; returns the MAC's source. */
        const prepare = (c0: number, c1: number, kc: number): { sbuf: "act" | "pool"; src: number; bytes: number } => {
          // A resident input is the whole unpadded tensor, which is exactly this (only) tile's input.
          const inAddr = inRes ? blockAddr(inRes, img, 0, c0, inRes.h) : em.slot(alloc, "in");
          const inBytes = inRes
            ? (c1 - c0) * inRows * inCols
            : em.loadTile(inLocal ?? inT, img, inAddr, c0, c1, iy0, iy0 + inRows, ix0, ix0 + inCols);
          if (!st) return { sbuf: "act", src: inAddr, bytes: inBytes };
          const eAddr = em.slot(alloc, "e");
          const ec = c1 - c0 - kc + 1;
          const eBytes = ec * eRows * eW * plan.eBytes;
          em.emit(
            "pool",
            instr("pool", {
              dst: eAddr,
              src: inAddr,
              c: c1 - c0,
              h: inRows,
              w: inCols,
              kc,
              kh: k - n + 1,
              kw: k - n + 1,
              dil: d,
              mode: poolMode,
              bits: eBitsOf(plan),
              shift: eShift,
            }),
            {
              reads: [{ buf: "act", lo: inAddr, hi: inAddr + inBytes }],
              writes: [{ buf: "pool", lo: eAddr, hi: eAddr + eBytes }],
            },
          );
          return { sbuf: "pool", src: eAddr, bytes: eBytes };
        };

        const sharedSrc = shared ? prepare(0, C, st ? C - st.c + 1 : 1) : null;
        for (let ot = 0; ot < nO; ot++) {
          const o0 = ot * plan.cout;
          const o1 = Math.min(Co, o0 + plan.cout);
          const no = o1 - o0;
          const dwSrc = plan.depthwise ? prepare(o0, o1, 1) : null;
          const par = parAt(ot);
          const accAddr = em.slot(alloc, "acc");
          const accBytes = no * ny * nx * 4;
          const chunks = !st && !plan.depthwise ? Math.ceil(C / plan.cin) : 1;
          for (let ic = 0; ic < chunks; ic++) {
            const c0 = ic * plan.cin;
            const c1 = Math.min(C, c0 + plan.cin);
            const src = sharedSrc ?? dwSrc ?? prepare(c0, c1, 1);
            const w = weightAt(ot, ic);
            const cIn = st ? (plan.depthwise ? no : st.c) : plan.depthwise ? no : c1 - c0;
            em.emit(
              "mac",
              instr("conv", {
                dst: accAddr,
                sbuf: src.sbuf,
                src: src.src,
                wgt: w.addr,
                c: cIn,
                h: st ? eRows : inRows,
                w: st ? eW : inCols,
                kh: n,
                kw: n,
                stride: s,
                dil: d,
                cout: no,
                dw: plan.depthwise ? 1 : 0,
                accum: ic > 0 ? 1 : 0,
              }),
              {
                reads: [
                  { buf: src.sbuf, lo: src.src, hi: src.src + src.bytes },
                  { buf: "wgt", lo: w.addr, hi: w.addr + w.bytes },
                ],
                writes: [{ buf: "acc", lo: accAddr, hi: accAddr + accBytes }],
              },
            );
          }
          const inPlace = outRes && !outRes.copied;
          em.flushCopies();
          const outAddr = inPlace ? blockAddr(outRes, img, y0, o0, ny) : em.slot(alloc, "out");
          em.emit("vec", instr("vop.requant", { dst: outAddr, src: accAddr, c: no, h: ny, w: nx, par: par.addr }), {
            reads: [
              { buf: "acc", lo: accAddr, hi: accAddr + accBytes },
              { buf: "par", lo: par.addr, hi: par.addr + par.bytes },
            ],
            writes: [{ buf: "act", lo: outAddr, hi: outAddr + no * ny * nx }],
          });
          if (outRes?.copied) em.copyIntoPlanes(outRes, img, outAddr, o0, o1, y0, y1);
          if (!outRes || outRes.stored) em.storeRows(outT, img, outAddr, o0, o1, y0, y1, x0, x1);
        }
      }
    }
  }
}

function scheduleFc(em: Emitter, plan: FcPlan, alloc: Allocation, regions: LayerRegions): void {
  const { ctx } = em;
  const l = plan.layer;
  const inT = tensor(ctx, l.inputs[0]!);
  const outT = tensor(ctx, l.output);
  const { weightAt, parAt } = residentParams(em, plan, alloc, regions);
  const st = l.structured;
  const kTotal = st ? st.R : l.Q;
  const nO = Math.ceil(l.P / plan.cout);
  const nK = Math.ceil(kTotal / plan.k);
  const res = ctx.residency ?? NO_RESIDENCY;
  const inRes = directInput(res, plan, em.layer, 0);
  const outRes = residentOutput(res, plan, em.layer);
  for (let img = 0; img < ctx.batch; img++) {
    const inAddr = inRes ? blockAddr(inRes, img, 0, 0, inRes.h) : em.slot(alloc, "in");
    // The input vector is one contiguous run of Q elements, whatever its [c][h][w] shape.
    if (!inRes)
      em.loadContiguous("act", inAddr, inT.addr + img * inT.imageBytes, l.Q, 1, [
        { tensor: inT.name, image: img, c0: 0, c1: inT.c, y0: 0, y1: inT.h },
      ]);
    let src: { sbuf: "act" | "pool"; src: number; eb: number } = { sbuf: "act", src: inAddr, eb: 1 };
    if (st) {
      const eAddr = em.slot(alloc, "e");
      em.emit(
        "pool",
        instr("pool", {
          dst: eAddr,
          src: inAddr,
          c: l.Q,
          h: 1,
          w: 1,
          kc: l.Q - st.R + 1,
          kh: 1,
          kw: 1,
          dil: 1,
          mode: ctx.hw.pool.mode,
          bits: eBitsOf(plan),
          shift: ctx.dtype === "int8" ? (l.q?.eShift ?? 0) : 0,
        }),
        {
          reads: [{ buf: "act", lo: inAddr, hi: inAddr + l.Q }],
          writes: [{ buf: "pool", lo: eAddr, hi: eAddr + st.R * plan.eBytes }],
        },
      );
      src = { sbuf: "pool", src: eAddr, eb: plan.eBytes };
    }
    for (let ot = 0; ot < nO; ot++) {
      const o0 = ot * plan.cout;
      const o1 = Math.min(l.P, o0 + plan.cout);
      const no = o1 - o0;
      const par = parAt(ot);
      const accAddr = em.slot(alloc, "acc");
      for (let kc = 0; kc < nK; kc++) {
        const k0 = kc * plan.k;
        const k1 = Math.min(kTotal, k0 + plan.k);
        const w = weightAt(ot, kc);
        const a = src.src + k0 * src.eb;
        em.emit(
          "mac",
          instr("gemm", {
            dst: accAddr,
            sbuf: src.sbuf,
            src: a,
            wgt: w.addr,
            m: 1,
            k: k1 - k0,
            n: no,
            accum: kc > 0 ? 1 : 0,
          }),
          {
            reads: [
              { buf: src.sbuf, lo: a, hi: a + (k1 - k0) * src.eb },
              { buf: "wgt", lo: w.addr, hi: w.addr + w.bytes },
            ],
            writes: [{ buf: "acc", lo: accAddr, hi: accAddr + no * 4 }],
          },
        );
      }
      const outAddr = outRes ? blockAddr(outRes, img, 0, o0, 1) : em.slot(alloc, "out");
      em.emit("vec", instr("vop.requant", { dst: outAddr, src: accAddr, c: no, h: 1, w: 1, par: par.addr }), {
        reads: [
          { buf: "acc", lo: accAddr, hi: accAddr + no * 4 },
          { buf: "par", lo: par.addr, hi: par.addr + par.bytes },
        ],
        writes: [{ buf: "act", lo: outAddr, hi: outAddr + no }],
      });
      if (outRes && !outRes.stored) continue;
      const dram = outT.addr + img * outT.imageBytes + o0;
      em.emit("st", instr("store", { buf: "act", sram: outAddr, dram, c: no, h: 1, w: 1, rstride: 1, prows: 1 }), {
        reads: [{ buf: "act", lo: outAddr, hi: outAddr + no }],
        dramWrites: [{ tensor: outT.name, image: img, c0: 0, c1: outT.c, y0: 0, y1: outT.h }],
      });
    }
  }
}

function schedulePool(em: Emitter, plan: PoolPlan, alloc: Allocation, regions: LayerRegions): void {
  const { ctx } = em;
  const l = plan.layer;
  const [C, H, W] = chw(l.inShape);
  const [, Ho, Wo] = chw(l.outShape);
  const inT = tensor(ctx, l.inputs[0]!);
  const outT = tensor(ctx, l.output);
  const parBlock = regions.parBlocks[0]!;
  const par = em.slot(alloc, "par");
  em.loadContiguous("par", par, parBlock.addr, parBlock.bytes, 4);
  const res = ctx.residency ?? NO_RESIDENCY;
  const inRes = directInput(res, plan, em.layer, 0);
  const outRes = residentOutput(res, plan, em.layer);
  for (let img = 0; img < ctx.batch; img++) {
    for (let c0 = 0; c0 < C; c0 += plan.channels) {
      const c1 = Math.min(C, c0 + plan.channels);
      const nc = c1 - c0;
      const inAddr = inRes ? blockAddr(inRes, img, 0, c0, H) : em.slot(alloc, "in");
      const inBytes = inRes ? nc * H * W : em.loadRows(inT, img, inAddr, c0, c1, 0, H, 0, 0);
      const outAddr = outRes ? blockAddr(outRes, img, 0, c0, Ho) : em.slot(alloc, "out");
      const storeOut = !outRes || outRes.stored;
      const reads = [
        { buf: "act" as const, lo: inAddr, hi: inAddr + inBytes },
        { buf: "par" as const, lo: par, hi: par + parBlock.bytes },
      ];
      if (l.kind === "gap") {
        em.emit("vec", instr("vop.gap", { dst: outAddr, src: inAddr, c: nc, h: H, w: W, par }), {
          reads,
          writes: [{ buf: "act", lo: outAddr, hi: outAddr + nc }],
        });
        const dram = outT.addr + img * outT.imageBytes + c0;
        if (storeOut)
          em.emit("st", instr("store", { buf: "act", sram: outAddr, dram, c: nc, h: 1, w: 1, rstride: 1, prows: 1 }), {
            reads: [{ buf: "act", lo: outAddr, hi: outAddr + nc }],
            dramWrites: [{ tensor: outT.name, image: img, c0: 0, c1: outT.c, y0: 0, y1: outT.h }],
          });
      } else {
        em.emit(
          "vec",
          instr("vop.pool", {
            dst: outAddr,
            src: inAddr,
            c: nc,
            h: H,
            w: W,
            op: l.kind === "maxpool" ? "max" : "avg",
            win: l.k,
            stride: l.stride,
            pad: l.pad,
            par,
          }),
          { reads, writes: [{ buf: "act", lo: outAddr, hi: outAddr + nc * Ho * Wo }] },
        );
        if (storeOut) em.storeRows(outT, img, outAddr, c0, c1, 0, Ho);
      }
    }
  }
}

function scheduleAdd(em: Emitter, plan: AddPlan, alloc: Allocation, regions: LayerRegions): void {
  const { ctx } = em;
  const l = plan.layer;
  const [C, Ho, Wo] = chw(l.outShape);
  const aT = tensor(ctx, l.inputs[0]!);
  const bT = tensor(ctx, l.inputs[1]!);
  const bs = plan.bs;
  const before = l.shortcut?.before ?? 0;
  const bC = bT.c;
  const parBlock = regions.parBlocks[0]!;
  const par = em.slot(alloc, "par");
  em.loadContiguous("par", par, parBlock.addr, parBlock.bytes, 4);
  const res = ctx.residency ?? NO_RESIDENCY;
  const aRes = directInput(res, plan, em.layer, 0);
  const bRes = directInput(res, plan, em.layer, 1);
  const aLocal = localInput(res, plan, em.layer, 0);
  const bLocal = localInput(res, plan, em.layer, 1);
  const outRes = residentOutput(res, plan, em.layer);
  // Channel segments: a tile is either inside b's channels or entirely outside them (then nob).
  const edges = [...new Set([0, Math.min(C, before), Math.min(C, before + bC), C])].sort((x, y) => x - y);
  const tiles: [number, number][] = [];
  for (let e = 0; e + 1 < edges.length; e++) {
    for (let c0 = edges[e]!; c0 < edges[e + 1]!; c0 += plan.channels)
      tiles.push([c0, Math.min(edges[e + 1]!, c0 + plan.channels)]);
  }
  for (let img = 0; img < ctx.batch; img++) {
    for (let y0 = 0; y0 < Ho; y0 += plan.rows) {
      const y1 = Math.min(Ho, y0 + plan.rows);
      const ny = y1 - y0;
      for (const [c0, c1] of tiles) {
        const nc = c1 - c0;
        const aAddr = aRes ? blockAddr(aRes, img, y0, c0, ny) : em.slot(alloc, "in");
        const aBytes = aRes ? nc * ny * Wo : em.loadRows(aLocal ?? aT, img, aAddr, c0, c1, y0, y1, 0, 0);
        const hasB = c0 >= before && c1 <= before + bC;
        const reads = [
          { buf: "act" as const, lo: aAddr, hi: aAddr + aBytes },
          { buf: "par" as const, lo: par, hi: par + parBlock.bytes },
        ];
        let bAddr = aAddr;
        if (hasB && bRes) {
          // Resident b: its row block for these output rows is ny * bs rows of the whole (bs-times wider) width.
          bAddr = blockAddr(bRes, img, y0 * bs, c0 - before, ny * bs);
          reads.push({ buf: "act", lo: bAddr, hi: bAddr + nc * ny * bs * Wo * bs });
        } else if (hasB) {
          bAddr = em.slot(alloc, "b");
          // b rows y*bs for y in [y0, y1): load ny*bs rows from y0*bs; rows past b's end (odd sizes) become zeros.
          const bRows = ny * bs;
          const bW = Math.min(bT.w, Wo * bs);
          const pr = Wo * bs - bW;
          const r0 = y0 * bs;
          const r1 = Math.min(bT.h, r0 + bRows);
          const bytes = nc * bRows * Wo * bs;
          // A whole-plane resident b has b's DRAM layout in the act SRAM: the same copy, from there.
          const from = (bLocal ?? bT).addr + img * bT.imageBytes + ((c0 - before) * bT.h + r0) * bT.w;
          const fromEnd = from + ((nc - 1) * bT.h + (r1 - r0) - 1) * bT.w + bW;
          em.emit(
            "ld",
            instr("load", {
              buf: "act",
              sram: bAddr,
              dram: from,
              c: nc,
              h: r1 - r0,
              w: bW,
              rstride: bT.w,
              prows: bT.h,
              pt: 0,
              pb: bRows - (r1 - r0),
              pl: 0,
              pr,
              src: bLocal ? "act" : "dram",
            }),
            bLocal
              ? {
                  reads: r1 > r0 ? [{ buf: "act", lo: from, hi: fromEnd }] : [],
                  writes: [{ buf: "act", lo: bAddr, hi: bAddr + bytes }],
                }
              : {
                  writes: [{ buf: "act", lo: bAddr, hi: bAddr + bytes }],
                  dramReads: [{ tensor: bT.name, image: img, c0: c0 - before, c1: c1 - before, y0: r0, y1: r1 }],
                },
          );
          reads.push({ buf: "act", lo: bAddr, hi: bAddr + bytes });
        }
        const inPlace = outRes && !outRes.copied;
        em.flushCopies();
        const outAddr = inPlace ? blockAddr(outRes, img, y0, c0, ny) : em.slot(alloc, "out");
        em.emit(
          "vec",
          instr("vop.add", { dst: outAddr, a: aAddr, b: bAddr, c: nc, h: ny, w: Wo, bs, nob: hasB ? 0 : 1, par }),
          {
            reads,
            writes: [{ buf: "act", lo: outAddr, hi: outAddr + nc * ny * Wo }],
          },
        );
        if (outRes?.copied) em.copyIntoPlanes(outRes, img, outAddr, c0, c1, y0, y1);
        if (!outRes || outRes.stored) em.storeRows(tensor(ctx, l.output), img, outAddr, c0, c1, y0, y1);
      }
    }
  }
}

/** Emits every layer's operations in program order (no tokens yet). */
export function scheduleOps(plans: readonly LayerPlan[], allocs: readonly Allocation[], ctx: ScheduleContext): Op[] {
  const em = new Emitter(ctx);
  plans.forEach((plan, i) => {
    em.layer = i;
    const alloc = allocs[i]!;
    const regions = ctx.layout.layers[i]!;
    if (plan.kind === "conv") scheduleConv(em, plan, alloc, regions);
    else if (plan.kind === "fc") scheduleFc(em, plan, alloc, regions);
    else if (plan.kind === "pool") schedulePool(em, plan, alloc, regions);
    else scheduleAdd(em, plan, alloc, regions);
    em.flushCopies();
  });
  return em.ops;
}

// ---------------------------------------------------------------------------------------------------------
// Dependencies and tokens.

interface Rec {
  lo: number;
  hi: number;
  writer: number;
  /** Latest reading op per queue (-1: none). */
  readers: number[];
}

const QI = new Map<Queue, number>(QUEUES.map((q, i) => [q, i]));

/** Tracks the last writer and readers of every byte range of every buffer. */
class SramTracker {
  private readonly recs = new Map<Buffer, Rec[]>();

  read(r: SramRange, op: number, q: number, need: (dep: number) => void): void {
    for (const rec of this.recs.get(r.buf) ?? []) {
      if (rec.hi <= r.lo || rec.lo >= r.hi) continue;
      if (rec.writer >= 0) need(rec.writer);
      if (rec.readers[q]! < op) rec.readers[q] = op;
    }
  }

  write(r: SramRange, op: number, need: (dep: number) => void): void {
    const list = this.recs.get(r.buf) ?? [];
    const kept: Rec[] = [];
    for (const rec of list) {
      if (rec.hi <= r.lo || rec.lo >= r.hi) {
        kept.push(rec);
        continue;
      }
      if (rec.writer >= 0) need(rec.writer);
      for (const rd of rec.readers) if (rd >= 0) need(rd);
      // Keep the parts of the old record that this write does not cover.
      if (rec.lo < r.lo) kept.push({ ...rec, hi: r.lo, readers: [...rec.readers] });
      if (rec.hi > r.hi) kept.push({ ...rec, lo: r.hi, readers: [...rec.readers] });
    }
    kept.push({ lo: r.lo, hi: r.hi, writer: op, readers: QUEUES.map(() => -1) });
    this.recs.set(r.buf, kept);
  }
}

const boxesOverlap = (a: DramBox, b: DramBox) =>
  a.tensor === b.tensor && a.image === b.image && a.c0 < b.c1 && b.c0 < a.c1 && a.y0 < b.y1 && b.y0 < a.y1;

/**
 * Turns dependencies into tokens. For each channel X -> Y, the k-th wait of Y pairs with the k-th signal of X;
 * a Y operation waits only when it needs a later X operation than the ones Y already waited for, and that
 * X operation signals. Returns the instructions with wait/signal filled in.
 */
export function deriveTokens(ops: readonly Op[]): Instr[] {
  const sram = new SramTracker();
  const dramWrites = new Map<string, { box: DramBox; op: number }[]>();
  const queueOf = ops.map((o) => QI.get(o.queue)!);
  // satisfied[x][y]: the latest X op that Y has waited for.
  const satisfied = QUEUES.map(() => QUEUES.map(() => -1));
  const waits: Queue[][] = ops.map(() => []);
  const signals: Set<Queue>[] = ops.map(() => new Set());
  const need = new Array<number>(QUEUES.length);
  ops.forEach((op, i) => {
    const y = queueOf[i]!;
    need.fill(-1);
    const add = (dep: number) => {
      const x = queueOf[dep]!;
      if (x !== y && dep > need[x]!) need[x] = dep;
    };
    for (const r of op.reads) sram.read(r, i, y, add);
    for (const b of op.dramReads) for (const w of dramWrites.get(b.tensor) ?? []) if (boxesOverlap(b, w.box)) add(w.op);
    for (const w of op.writes) sram.write(w, i, add);
    for (const b of op.dramWrites) {
      const list = dramWrites.get(b.tensor) ?? [];
      list.push({ box: b, op: i });
      dramWrites.set(b.tensor, list);
    }
    for (let x = 0; x < QUEUES.length; x++) {
      const dep = need[x]!;
      if (dep > satisfied[x]![y]!) {
        satisfied[x]![y] = dep;
        waits[i]!.push(QUEUES[x]!);
        signals[dep]!.add(QUEUES[y]!);
      }
    }
  });
  const order = (qs: Iterable<Queue>) => [...qs].sort((a, b) => QI.get(a)! - QI.get(b)!);
  return ops.map((op, i) => ({ op: op.instr.op, wait: order(waits[i]!), signal: order(signals[i]!), f: op.instr.f }));
}
