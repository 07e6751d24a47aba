// The whole compiler on the model zoo: every model x {dense, structured} x {edge, tiny} compiles and verifies;
// the structured lowering of Struct-56-A does about half the MAC work of the dense one, with every sum in `pool`
// instructions; a layer that cannot fit one tile is an InputError naming the layer and the buffer.
import * as fs from "node:fs";
import { expect } from "chai";
import { compileLayers } from "../../compiler/compile.js";
import { runFront } from "../../compiler/pipeline.js";
import type { ConvLayer, FrontProgram } from "../../compiler/layers.js";
import { resolveHw } from "../../isa/hw/config.js";
import type { HwConfig } from "../../isa/hw/types.js";
import type { Instr } from "../../isa/types.js";
import { isInputError } from "../../isa/errors.js";
import { loadModel } from "../../models/zoo.js";
import { build, conv } from "./front-graphs.js";
import { simulate } from "../../simulator/simulate.js";
import { buildReport } from "../../simulator/report.js";

const PRESETS: Record<string, HwConfig> = { edge: resolveHw({ preset: "edge" }), tiny: resolveHw({ preset: "tiny" }) };
const readFile = (p: string) => fs.readFileSync(p);

function front(spec: string, mode: "dense" | "structured"): FrontProgram {
  return runFront(loadModel(spec, { readFile }), { mode, dtype: "fp32", hw: PRESETS.tiny! });
}

// MACs of a conv instruction, from its fields (written here independently of compiler/work.ts).
function convMacs(i: Instr): number {
  const f = i.f as Record<string, number>;
  const ho = Math.floor((f.h! - f.dil! * (f.kh! - 1) - 1) / f.stride!) + 1;
  const wo = Math.floor((f.w! - f.dil! * (f.kw! - 1) - 1) / f.stride!) + 1;
  return f.cout! * ho * wo * (f.dw === 1 ? 1 : f.c!) * f.kh! * f.kw!;
}

describe("compile: the zoo on both presets", function () {
  this.timeout(120_000);
  const models = [
    ["resnet20", "resnet20:struct-a"],
    ["resnet32", "resnet32:struct-a"],
    ["resnet56", "resnet56:struct-b"],
    ["resnet18", "resnet18:struct-a"],
    ["resnet34", "resnet34:struct-b"],
    ["resnet50", "resnet50:struct-a"],
    ["mobilenetv2", "mobilenetv2:struct-a"],
  ] as const;
  for (const [dense, structured] of models) {
    it(`${dense} dense and ${structured} structured compile, verify and simulate (timing) on edge and tiny`, () => {
      for (const [spec, mode] of [
        [dense, "dense"],
        [structured, "structured"],
      ] as const) {
        const lp = front(spec, mode);
        for (const [name, hw] of Object.entries(PRESETS)) {
          const r = compileLayers(lp, hw); // verify-program runs inside and throws on any problem
          const m = r.program.manifest;
          expect(m.layers.length, `${spec} ${name}`).to.equal(lp.layers.length);
          for (const l of m.layers) expect(l.end, `${spec} ${name} ${l.name}`).to.be.greaterThan(l.begin);
          for (const b of ["act", "pool", "wgt", "acc", "par"] as const)
            expect(r.sramPeak[b]).to.be.at.most(hw.sram[b].bytes);
          // It runs on the simulator (timing only), never faster than its lower bound.
          const rep = buildReport(r.program, simulate(r.program, hw, { timingOnly: true }), hw);
          expect(rep.totals.cycles, `${spec} ${name} cycles`).to.be.at.least(rep.totals.bound_cycles);
          for (const l of rep.layers)
            expect(l.cycles, `${spec} ${name} ${l.name}`).to.be.at.least(Math.floor(l.bound_cycles));
          // The dense lowering's MAC instructions do exactly the layers' multiply-accumulates.
          if (mode === "dense") {
            const want = m.layers.reduce((s, l) => s + l.paper.macs, 0);
            const got = r.program.instructions.reduce(
              (s, i) =>
                s +
                (i.op === "conv" ? convMacs(i) : i.op === "gemm" ? Number(i.f.m) * Number(i.f.k) * Number(i.f.n) : 0),
              0,
            );
            expect(got, `${spec} ${name} MACs`).to.equal(want);
          }
        }
      }
    });
  }
});

describe("compile: structured lowering of resnet56:struct-a", function () {
  this.timeout(60_000);
  it("issues about half the MAC work of the dense lowering, and every sum-pool in pool instructions", () => {
    const dense = front("resnet56", "dense");
    const structured = front("resnet56:struct-a", "structured");
    const hw = PRESETS.edge!;
    const rd = compileLayers(dense, hw);
    const rs = compileLayers(structured, hw);
    const macsOfLayers = (lp: FrontProgram, r: ReturnType<typeof compileLayers>) =>
      lp.layers.map((l, k) => {
        const info = r.program.manifest.layers[k]!;
        return r.program.instructions
          .slice(info.begin, info.end)
          .reduce((s, i) => s + (i.op === "conv" ? convMacs(i) : 0), 0);
      });
    const md = macsOfLayers(dense, rd);
    const ms = macsOfLayers(structured, rs);
    // Closed forms from the layer shapes: C*N^2*Cout*H'W' dense, c*n^2*Cout*H'W' structured.
    let denseTotal = 0;
    let structTotal = 0;
    structured.layers.forEach((l, k) => {
      if (l.kind !== "conv") return;
      const [Co, Ho, Wo] = l.outShape as [number, number, number];
      const dl = dense.layers[k] as ConvLayer;
      const full = (dl.cin / dl.groups) * dl.kh * dl.kw * Co * Ho * Wo;
      expect(md[k], `dense ${l.name}`).to.equal(full);
      const want = l.structured ? l.structured.c * l.structured.n ** 2 * Co * Ho * Wo : full;
      expect(ms[k], `structured ${l.name}`).to.equal(want);
      denseTotal += md[k]!;
      structTotal += ms[k]!;
    });
    const ratio = structTotal / denseTotal;
    console.log(`      resnet56 MACs: dense ${denseTotal}, struct-a ${structTotal}, ratio ${ratio.toFixed(3)}`);
    expect(ratio).to.be.within(0.4, 0.6);
    // Every structured conv reads E from the pool buffer with its small kernel; E comes from pool instructions
    // whose window is (C-c+1, N-n+1, N-n+1).
    structured.layers.forEach((l, k) => {
      if (l.kind !== "conv" || !l.structured) return;
      const info = rs.program.manifest.layers[k]!;
      const ins = rs.program.instructions.slice(info.begin, info.end);
      const pools = ins.filter((i) => i.op === "pool");
      expect(pools.length, l.name).to.be.greaterThan(0);
      for (const p of pools)
        expect([p.f.kc, p.f.kh, p.f.kw], l.name).to.deep.equal([
          l.cin - l.structured.c + 1,
          l.kh - l.structured.n + 1,
          l.kw - l.structured.n + 1,
        ]);
      for (const c of ins.filter((i) => i.op === "conv"))
        expect([c.f.sbuf, c.f.kh, c.f.c], l.name).to.deep.equal(["pool", l.structured.n, l.structured.c]);
    });
    // Dense lowering has no pool instructions at all.
    expect(rd.program.instructions.filter((i) => i.op === "pool")).to.have.length(0);
  });
});

describe("compile: a layer that cannot fit one tile", () => {
  it("is an InputError naming the layer, the buffer, the bytes needed and the bytes there are", () => {
    // A structured conv needs all 64 input channels of its halo rows at once: 64 x 3 rows x 34 columns, and even
    // a 1-column tile (64 x 3 x 3 = 576 bytes) exceeds 512 bytes.
    const g = build("fat", [64, 32, 32], [conv("fat.conv", "x", 64, 64, 3, { struct: { c: 32, n: 2 } })]);
    const lp = runFront(g, { mode: "structured", dtype: "fp32", hw: PRESETS.tiny! });
    const base = PRESETS.tiny!;
    const hw: HwConfig = { ...base, sram: { ...base.sram, act: { ...base.sram.act, bytes: 512 } } };
    const inBytes = 64 * 3 * 34; // 6528, a multiple of 16
    const outBytes = 32; // one 32-column output row of one channel, 16-byte aligned
    let err: unknown;
    try {
      compileLayers(lp, hw);
    } catch (e) {
      err = e;
    }
    expect(isInputError(err)).to.equal(true);
    expect((err as Error).message).to.equal(
      `layer 'fat.conv': even a 1-row tile needs ${inBytes + outBytes} bytes of act SRAM (have 512)`,
    );
  });
});
