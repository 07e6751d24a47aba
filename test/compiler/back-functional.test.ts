// The back end end to end on small networks: compile (front + back half), verify, then execute the program in
// program order with the ISA semantics and compare with the reference executor (compiler/reference), which
// works on whole tensors with plain loops — an independent oracle for tiling, halos, padding, layouts and tables.
import { expect } from "chai";
import { compileDetailed } from "../../compiler/compile.js";
import { runFp32 } from "../../compiler/reference/fp32.js";
import { runInt8 } from "../../compiler/reference/int8.js";
import { quantizeInput } from "../../compiler/reference/quant-io.js";
import { resolveHw } from "../../isa/hw/config.js";
import type { HwConfig } from "../../isa/hw/types.js";
import type { Graph } from "../../models/ir.js";
import { normalImage, tinyResNet } from "./front-graphs.js";
import { runInOrder, wideNet } from "./back-fixtures.js";

const TINY = resolveHw({ preset: "tiny" });
/** 1 KiB everywhere: forces row tiles, cout tiles, input-channel chunks, per-tile weights and tables. */
const CRAMPED = shrink(
  resolveHw({
    preset: "tiny",
    sets: ["sram.act.kib=1", "sram.pool.kib=1", "sram.wgt.kib=1", "sram.acc.kib=1", "sram.par.kib=1"],
  }),
  { par: 256 },
);

/** The config with some buffers smaller than the 1 KiB the config schema allows (the compiler takes any size). */
function shrink(hw: HwConfig, bytes: Partial<Record<keyof HwConfig["sram"], number>>): HwConfig {
  const sram = { ...hw.sram };
  for (const [b, n] of Object.entries(bytes) as [keyof HwConfig["sram"], number][])
    sram[b] = { ...sram[b], bytes: n, kib: n / 1024 };
  return { ...hw, sram };
}

const size = (g: Graph) => g.input.shape.reduce((a, b) => a * b, 1);

function check(g: Graph, hw: HwConfig, mode: "dense" | "structured", dtype: "int8" | "fp32", batch: number) {
  const images = Array.from({ length: batch }, (_, b) => normalImage(size(g), 11 + b));
  const r = compileDetailed(g, hw, { mode, dtype, batch, calibration: images });
  const scale = r.program.manifest.inputs[0]!.scale;
  const got = runInOrder(r.program, hw, dtype === "int8" ? images.map((x) => quantizeInput(x, scale)) : images);
  images.forEach((x, b) => {
    if (dtype === "int8") {
      expect(Array.from(got[b]!), `image ${b}`).to.deep.equal(Array.from(runInt8(r.layers, quantizeInput(x, scale))));
    } else {
      const ref = runFp32(r.layers, x);
      const peak = Math.max(...Array.from(ref, Math.abs));
      for (let i = 0; i < ref.length; i++)
        expect(Math.abs(got[b]![i]! - ref[i]!), `image ${b} output ${i}`).to.be.below(1e-4 * peak + 1e-6);
    }
  });
  return r;
}

describe("back end: compiled programs compute what the reference executor computes", function () {
  this.timeout(60_000);
  for (const [name, hw] of [
    ["tiny", TINY],
    ["1 KiB SRAMs", CRAMPED],
  ] as const) {
    for (const structured of [false, true]) {
      for (const dtype of ["int8", "fp32"] as const) {
        it(`tinyResNet ${structured ? "structured" : "dense"} ${dtype} on ${name}, batch 2`, () => {
          check(tinyResNet(structured), hw, structured ? "structured" : "dense", dtype, 2);
        });
      }
    }
    it(`wide net (chunked input channels, depthwise, dilation, long fc) int8 on ${name}`, () => {
      const r = check(wideNet(), hw, "dense", "int8", 1);
      if (hw === CRAMPED) {
        const c2 = r.plans.find((p) => p.layer.name === "c2")!;
        expect(c2.kind).to.equal("conv");
        // 40 input channels of 3-row, 11-column halo tiles cannot sit twice in 1 KiB: chunks are accumulated.
        if (c2.kind === "conv") expect(c2.cin).to.be.below(40);
        const convs = r.program.instructions.filter((i) => i.op === "conv" && i.f.accum === 1);
        expect(convs.length).to.be.greaterThan(0);
      }
    });
    it(`wide net fp32 on ${name}, batch 3`, () => {
      check(wideNet(), hw, "dense", "fp32", 3);
    });
  }

  for (const dtype of ["int8", "fp32"] as const) {
    it(`column tiles when not even one full-width row fits (224-byte act SRAM), ${dtype}`, () => {
      const hw = shrink(TINY, { act: 224 });
      const r = check(tinyResNet(true), hw, "structured", dtype, 1);
      const split = r.plans.filter((p) => p.kind === "conv" && p.cols < (p.layer.outShape[2] ?? 0));
      expect(split.length).to.be.greaterThan(0);
    });
  }

  it("cramped SRAMs really force many tiles", () => {
    for (const g of [tinyResNet(true), wideNet()]) {
      const mode = g.name === "wide" ? "dense" : "structured";
      const a = compileDetailed(g, TINY, { mode, dtype: "fp32" });
      const b = compileDetailed(g, CRAMPED, { mode, dtype: "fp32" });
      const stores = (p: typeof a) => p.program.instructions.filter((i) => i.op === "store").length;
      // On the tiny preset every layer here is one tile (one store per cout tile at most); 1 KiB splits them.
      expect(stores(b), g.name).to.be.greaterThan(1.5 * stores(a));
      console.log(`      ${g.name}: ${stores(a)} stores on tiny, ${stores(b)} on 1 KiB SRAMs`);
    }
  });
});
