// Lower pass: scheduled operations -> the Program (instructions with tokens, the DRAM image, the manifest).

import type { HwConfig } from "../../isa/hw/types.js";
import { instr } from "../../isa/build.js";
import type { LayerInfo, Manifest, Program, TensorPlacement } from "../../isa/program.js";
import type { Layer, LayerProgram } from "../layers.js";
import type { DramLayout } from "../dram-layout.js";
import { deriveTokens, type Op } from "./schedule.js";
import { chw } from "./tile.js";

/** Paper-convention counts of a layer (DESIGN §1): mults K+1, adds K per conv output; fc Q and Q; structured §4.2/4.3. */
export function paperCounts(l: Layer): LayerInfo["paper"] {
  if (l.kind === "conv") {
    const [C, H] = chw(l.inShape);
    const [Co, Ho, Wo] = chw(l.outShape);
    const outs = Co * Ho * Wo;
    const bn = 2 * Co;
    if (l.structured) {
      const { c, n } = l.structured;
      const N = l.kh;
      const perGroupC = l.groups > 1 ? 1 : C;
      const p = l.pads[0];
      const H1 = H + 2 * p - (N - n);
      const [, , W] = chw(l.inShape);
      const W1 = W + 2 * l.pads[1] - (N - n);
      const K = c * n * n;
      const poolAdds = ((perGroupC - c + 1) * (N - n + 1) ** 2 - 1) * (l.groups > 1 ? C : c) * H1 * W1;
      return { macs: K * outs, mults: (K + 1) * outs, adds: K * outs + poolAdds, params: Co * K + bn };
    }
    const K = (l.cin / l.groups) * l.kh * l.kw;
    return { macs: K * outs, mults: (K + 1) * outs, adds: K * outs, params: Co * K + bn };
  }
  if (l.kind === "fc") {
    if (l.structured) {
      const R = l.structured.R;
      return { macs: l.P * R, mults: l.P * R, adds: l.P * R + R * (l.Q - R), params: l.P * R + l.P };
    }
    return { macs: l.P * l.Q, mults: l.P * l.Q, adds: l.P * l.Q, params: l.P * l.Q + l.P };
  }
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
