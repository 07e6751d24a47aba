// Residency (part of the allocate pass): which activation tensors stay in the act SRAM between layers instead of
// taking a store to DRAM and a load back.
//
// The rule. A layer output T (not the model's output) is *resident* when
//   1. its producer writes it in whole-width row blocks of R rows (R = H: whole planes);
//   2. at least one consumer can read it on chip. *Direct* readers use the blocks where they lie: an add whose
//      row tiles are the same R rows (operand b of an option-A shortcut: R = rows x stride), or a pooling/gap/fc/
//      unpadded whole-tensor conv when R = H. *Local* readers are the other convs (padded 3x3 convs, structured
//      layers whose sum-pool reads a padded tile) and adds whose tiles do not line up, when T is laid out as plain
//      [c][h][w] planes: each of their input tiles becomes a `load src=act` (the DMA's padded tile copy out of the
//      act SRAM, rstride = W, prows = H) into their usual input slot instead of a load from DRAM. When R < H the
//      producer fills the planes with one src=act copy per channel of each output tile (`copied`), chosen only
//      when it takes more consumers off DRAM than the block layout. Anything else loads T from DRAM;
//   3. T fits, for every layer from its producer to its last direct consumer, above that layer's working slots
//      and beside the other resident tensors alive then (first fit from the top of the act buffer).
// A resident T is stored to DRAM as well only when some consumer reads it from there (or it is the output).
//
// Layout of a resident tensor in SRAM: per image, row block after row block; inside a block, [c][rows][w]. With
// R = H that is plain [c][h][w]. Every tile of a producer or a direct consumer is then one dense, contiguous
// range, which is all the units can address. Before residency, add layers are re-tiled to the row blocks of
// their first operand's producer when such tiles fit, so that conv -> add chains line up.
//
// Dependencies need nothing special: the schedule pass records the resident ranges each instruction reads and
// writes, and token derivation orders them like any other SRAM access.

import type { HwConfig } from "../../isa/hw/types.js";
import { SRAM_ADDR_UNIT } from "../../isa/instructions.js";
import type { LayerProgram } from "../layers.js";
import type { Allocation } from "./allocate.js";
import { allocateLayer } from "./allocate.js";
import { align16, chw, inRowsFor, tileAddWithRows, type LayerPlan } from "./tile.js";

export interface ResidentTensor {
  readonly name: string;
  /** act byte address of image 0. */
  readonly addr: number;
  /** Bytes of the whole region (all images). */
  readonly bytes: number;
  readonly imageBytes: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  /** Rows per block as the producer writes them (h: whole planes). */
  readonly rows: number;
  /** Index of the producing layer and of the last layer that reads it from SRAM. */
  readonly producer: number;
  readonly lastUse: number;
  /** Also stored to DRAM: the model output, or a consumer that reads it from DRAM. */
  readonly stored: boolean;
  /**
   * The producer writes row blocks smaller than the planes, yet the tensor is kept as whole planes (rows = h) so
   * that padded readers can copy tiles out of it: each output tile goes to the producer's usual out slot and one
   * `load src=act` per channel copies it into place (an SRAM copy instead of a DRAM store and load).
   */
  readonly copied: boolean;
}

export interface Residency {
  readonly tensors: ReadonlyMap<string, ResidentTensor>;
  /** Operands read straight from SRAM, as `${layer}:${operand index}`. */
  readonly direct: ReadonlySet<string>;
  /** Operands whose (padded) input tiles are copied out of the resident tensor with `load src=act`. */
  readonly local: ReadonlySet<string>;
}

export const NO_RESIDENCY: Residency = { tensors: new Map(), direct: new Set(), local: new Set() };

/** act byte address of the block of image `img` that starts at row y0 (a block start), from channel c0. */
export function blockAddr(t: ResidentTensor, img: number, y0: number, c0: number, blockRows: number): number {
  return t.addr + img * t.imageBytes + y0 * t.c * t.w + c0 * blockRows * t.w;
}

/** The resident tensor operand `k` of layer `i` reads from SRAM, if any. */
export function directInput(res: Residency, lp: LayerPlan, i: number, k: number): ResidentTensor | undefined {
  return res.direct.has(`${i}:${k}`) ? res.tensors.get(lp.layer.inputs[k]!) : undefined;
}

/** The resident tensor (a whole [c][h][w] per image) whose tiles operand `k` of layer `i` copies with src=act loads. */
export function localInput(res: Residency, lp: LayerPlan, i: number, k: number): ResidentTensor | undefined {
  return res.local.has(`${i}:${k}`) ? res.tensors.get(lp.layer.inputs[k]!) : undefined;
}

/** The resident region layer `i` writes its output into, if any. */
export function residentOutput(res: Residency, lp: LayerPlan, i: number): ResidentTensor | undefined {
  const t = res.tensors.get(lp.layer.output);
  return t && t.producer === i ? t : undefined;
}

/** Row-block height in which a plan writes its output, or null when its tiles are not whole-width row blocks. */
function producedRows(plan: LayerPlan): number | null {
  const [, Ho, Wo] = chw(plan.layer.outShape);
  switch (plan.kind) {
    case "conv":
      return plan.cols === Wo ? plan.rows : null;
    case "add":
      return plan.rows;
    default:
      return Ho;
  }
}

/** Whether operand k of a plan can read a tensor of shape (c, h, w) written in blocks of `rows` rows from SRAM. */
function canReadDirect(plan: LayerPlan, k: number, h: number, w: number, rows: number): boolean {
  switch (plan.kind) {
    case "conv": {
      const l = plan.layer;
      const [, Ho, Wo] = chw(l.outShape);
      return (
        rows === h &&
        l.pads.every((p) => p === 0) &&
        plan.rows === Ho &&
        plan.cols === Wo &&
        inRowsFor(Ho, l.stride, l.dilation, l.kh) === h
      );
    }
    case "add": {
      const [, Ho, Wo] = chw(plan.layer.outShape);
      if (k === 0) return rows === plan.rows;
      return h === Ho * plan.bs && w === Wo * plan.bs && rows === plan.rows * plan.bs;
    }
    case "pool":
    case "fc":
      return rows === h;
  }
}

/** Whether operand k of a plan can copy its input tiles out of a resident [c][h][w] tensor with src=act loads. */
function canReadLocal(plan: LayerPlan, k: number, h: number, rows: number): boolean {
  return rows === h && ((plan.kind === "conv" && k === 0) || plan.kind === "add");
}

interface Placed {
  readonly lo: number;
  readonly hi: number;
  readonly from: number;
  readonly to: number;
}

/**
 * Decides residency for a program's plans; re-tiles adds to line up with their producers. With `enabled` false the
 * plans come back unchanged and nothing is resident (every tensor goes through DRAM).
 */
export function planResidency(
  lp: LayerProgram,
  plans: readonly LayerPlan[],
  hw: HwConfig,
  batch: number,
  enabled: boolean,
  /** Let padded convs copy their tiles from resident tensors (src=act loads); false: the earlier rule. */
  localReads = true,
): { plans: LayerPlan[]; residency: Residency } {
  if (!enabled) return { plans: [...plans], residency: NO_RESIDENCY };
  const out = [...plans];
  const producerOf = new Map<string, number>();
  out.forEach((p, i) => producerOf.set(p.layer.output, i));

  // Adds follow the row blocks of their first operand's producer when that fits.
  out.forEach((p, i) => {
    if (p.kind !== "add") return;
    const src = producerOf.get(p.layer.inputs[0]!);
    const rows = src === undefined ? null : producedRows(out[src]!);
    if (rows === null || rows === p.rows) return;
    const aligned = tileAddWithRows(p.layer, hw, rows);
    if (aligned) out[i] = aligned;
  });

  const work = out.map((p) => allocateLayer(p, hw).used.act);
  const cap = hw.sram.act.bytes;
  const placed: Placed[] = [];
  const tensors = new Map<string, ResidentTensor>();
  const direct = new Set<string>();
  const local = new Set<string>();

  out.forEach((p, i) => {
    const name = p.layer.output;
    if (name === lp.output) return;
    const R = producedRows(p);
    if (R === null) return;
    const [c, h, w] = chw(lp.shapes.get(name) ?? p.layer.outShape);
    const imageBytes = c * h * w;
    // Every block and channel offset must be an SRAM row address (16 bytes).
    const aligned = (n: number) => n % SRAM_ADDR_UNIT === 0;
    if (!aligned(R * w) || !aligned((h % R) * w) || !aligned(imageBytes)) return;
    // Readers as the producer lays the tensor out (blocks of R rows), and, when R < h, as whole planes filled by
    // per-channel copies; the copies are worth it only when they take more readers off DRAM.
    const classify = (rows: number) => {
      const readers: string[] = [];
      const copiers: string[] = [];
      let fromDram = 0;
      let lastUse = -1;
      for (let j = i + 1; j < out.length; j++) {
        out[j]!.layer.inputs.forEach((t, k) => {
          if (t !== name) return;
          if (canReadDirect(out[j]!, k, h, w, rows)) {
            readers.push(`${j}:${k}`);
            lastUse = j;
          } else if (localReads && canReadLocal(out[j]!, k, h, rows)) {
            copiers.push(`${j}:${k}`);
            lastUse = j;
          } else fromDram++;
        });
      }
      return { rows, readers, copiers, fromDram, lastUse };
    };
    const blocks = classify(R);
    const modes = [blocks];
    if (localReads && R < h && blocks.fromDram > 0 && aligned(h * w) && (p.kind === "conv" || p.kind === "add")) {
      const planes = classify(h);
      // Planes first when they take more readers off DRAM; blocks still when the planes do not fit.
      if (planes.fromDram < blocks.fromDram) modes.unshift(planes);
    }
    const bytes = align16(imageBytes * batch);
    for (const mode of modes) {
      const { readers, copiers, lastUse } = mode;
      if (readers.length + copiers.length === 0) continue;
      let floor = 0;
      for (let j = i; j <= lastUse; j++) floor = Math.max(floor, work[j]!);
      const live = placed.filter((q) => q.from <= lastUse && q.to >= i);
      const tops = [cap, ...live.map((q) => q.lo)].sort((a, b) => b - a);
      for (const top of tops) {
        const lo = Math.floor((top - bytes) / SRAM_ADDR_UNIT) * SRAM_ADDR_UNIT;
        if (lo < floor) continue;
        if (live.some((q) => q.lo < lo + bytes && lo < q.hi)) continue;
        placed.push({ lo, hi: lo + bytes, from: i, to: lastUse });
        tensors.set(name, {
          name,
          addr: lo,
          bytes,
          imageBytes,
          c,
          h,
          w,
          rows: mode.rows,
          producer: i,
          lastUse,
          stored: mode.fromDram > 0,
          copied: mode.rows !== R,
        });
        for (const r of readers) direct.add(r);
        for (const r of copiers) local.add(r);
        return;
      }
    }
  });
  return { plans: out, residency: { tensors, direct, local } };
}

/** Allocations whose act use includes the resident tensors alive during each layer (for peaks and checks). */
export function withResidents(allocs: readonly Allocation[], res: Residency): Allocation[] {
  return allocs.map((a, i) => {
    let act = a.used.act;
    for (const t of res.tensors.values()) if (t.producer <= i && i <= t.lastUse) act = Math.max(act, t.addr + t.bytes);
    return { ...a, used: { ...a.used, act } };
  });
}

/** Text form for --dump-after allocate. */
export function printResidency(res: Residency, plans: readonly LayerPlan[]): string {
  if (res.tensors.size === 0) return "resident: none\n";
  const lines = [...res.tensors.values()].map((t) => {
    const readers = [...res.direct, ...res.local]
      .filter((d) => plans[Number(d.split(":")[0])]!.layer.inputs[Number(d.split(":")[1])] === t.name)
      .map((d) => `${plans[Number(d.split(":")[0])]!.layer.name}${res.local.has(d) ? " (src=act)" : ""}`);
    return `resident ${t.name} act@0x${t.addr.toString(16)} ${t.bytes} bytes, rows ${t.rows}, ${plans[t.producer]!.layer.name} -> ${readers.join(",")}${t.copied ? " (copied into planes)" : ""}${t.stored ? " (also stored)" : ""}`;
  });
  return `${lines.join("\n")}\n`;
}
