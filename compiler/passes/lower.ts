// Lower pass: scheduled operations -> the Program (instructions with tokens, the DRAM image, the manifest).

import type { HwConfig } from "../../isa/hw/types.js";
import { instr } from "../../isa/build.js";
import type { LayerInfo, Manifest, Program, TensorPlacement } from "../../isa/program.js";
import type { Layer, LayerProgram } from "../layers.js";
import type { DramLayout } from "../dram-layout.js";
import { deriveTokens, type Op } from "./schedule.js";
import { convCounts, fcCounts } from "../../models/count.js";

/** Paper-convention counts of a layer (DESIGN §1): mults K+1, adds K per conv output; fc Q and Q; structured §4.2/4.3. */
/**
 * The layer's counts in the paper's convention (models/count.ts holds the formulas). Compiled layers have BN
 * folded into the conv, which the paper counts as a BN's scale and shift, not as a bias.
 */
export function paperCounts(l: Layer): LayerInfo["paper"] {
  if (l.kind === "conv") return convCounts({ ...l, structure: l.structured, hasBias: false, withBn: true });
  if (l.kind === "fc") return fcCounts(l.P, l.Q, l.structured?.R, true);
  return { macs: 0, mults: 0, adds: 0, params: 0 };
}

function structureOf(l: Layer): Pick<LayerInfo, "c" | "n" | "R" | "residual"> {
  if (l.kind === "conv" && l.structured)
    return { c: l.structured.c, n: l.structured.n, R: null, residual: l.structured.residual };
  if (l.kind === "fc" && l.structured) return { c: null, n: null, R: l.structured.R, residual: l.structured.residual };
  return { c: null, n: null, R: null, residual: null };
}

export interface LowerContext {
  readonly hw: HwConfig;
  readonly layout: DramLayout;
  readonly batch: number;
}

export function lowerProgram(lp: LayerProgram, ops: readonly Op[], ctx: LowerContext): Program {
  const instructions = deriveTokens(ops);
  instructions.push(instr("halt", {}));
  const begin = new Array<number>(lp.layers.length).fill(-1);
  const end = new Array<number>(lp.layers.length).fill(-1);
  ops.forEach((op, i) => {
    if (begin[op.layer] === -1) begin[op.layer] = i;
    end[op.layer] = i + 1;
  });
  const layers: LayerInfo[] = lp.layers.map((l, i) => ({
    name: l.name,
    kind: l.kind,
    begin: begin[i]!,
    end: end[i]!,
    ...structureOf(l),
    paper: paperCounts(l),
  }));
  const placement = (name: string): TensorPlacement => {
    const t = ctx.layout.tensors.get(name);
    if (!t) throw new Error(`lower: tensor '${name}' has no DRAM region`);
    return {
      name,
      addr: t.addr,
      shape: lp.shapes.get(name) ?? [t.c, t.h, t.w],
      esize: 1,
      batchStride: t.imageBytes,
      scale: lp.dtype === "fp32" ? 1 : (lp.scales.get(name) ?? 1),
    };
  };
  const manifest: Manifest = {
    format: "sumac-program-1",
    model: lp.model,
    mode: lp.mode,
    dtype: lp.dtype,
    batch: ctx.batch,
    hw: { id: ctx.hw.id, hash: ctx.hw.hash },
    dramBytes: ctx.layout.bytes,
    inputs: [placement(lp.input.name)],
    outputs: [placement(lp.output)],
    layers,
    tensors: [...ctx.layout.tensors.values()].map((t) => ({
      name: t.name,
      addr: t.addr,
      bytes: t.imageBytes * ctx.batch,
    })),
  };
  return { instructions, image: ctx.layout.segments, manifest };
}
