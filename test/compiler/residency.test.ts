// Inter-layer residency (compiler/passes/residency.ts): activations that fit stay in the act SRAM between layers.
// Outputs stay bit for bit those of the reference executor; DRAM traffic is checked against closed forms computed
// here from the tensor shapes and the ISA's table formats, not from the compiler's own bookkeeping.
import * as fs from "node:fs";
import { expect } from "chai";
import { compileDetailed, compileLayers } from "../../compiler/compile.js";
import { runFront } from "../../compiler/pipeline.js";
import { runInt8 } from "../../compiler/reference/int8.js";
import { quantizeInput } from "../../compiler/reference/quant-io.js";
import { resolveHw } from "../../isa/hw/config.js";
import type { HwConfig } from "../../isa/hw/types.js";
import type { Node } from "../../models/ir.js";
import { loadModel } from "../../models/zoo.js";
import { buildReport } from "../../simulator/report.js";
import { simulate } from "../../simulator/simulate.js";
import { build, bn, conv, normalImage, relu } from "./front-graphs.js";
import { runInOrder } from "./back-fixtures.js";

const TINY = resolveHw({ preset: "tiny" });

/** x[8,8,8] -> 1x1 conv (16) -> ReLU -> 1x1 conv (16) -> add(with the first conv's output): no layer needs padding. */
function chain(structured = false) {
  const nodes: Node[] = [
    conv("c1", "x", 8, 16, 1, { pad: 0 }),
    bn("b1", "c1", 16),
    relu("r1", "b1"),
    conv("c2", "r1", 16, 16, 1, { pad: 0, ...(structured ? { struct: { c: 4, n: 1 } } : {}) }),
    bn("b2", "c2", 16),
    { op: "add", name: "add", inputs: ["b2", "r1"], output: "add" },
  ];
  return build("chain", [8, 8, 8], nodes, "residency");
}

// Closed forms. Requant tables (isa/instructions.ts vop.requant): lo, hi, then (bias, mult, shift) per channel,
// int32, each table padded to 16 bytes; add: lo, hi, ma, mb, shift. Weights: cout x cin int8 (1x1 kernels).
const table = (words: number) => Math.ceil(words / 4) * 16;
const X = 8 * 8 * 8;
const T = 16 * 8 * 8; // every intermediate tensor and the output
const PARAMS = 16 * 8 + table(2 + 3 * 16) + 16 * 16 + table(2 + 3 * 16) + table(5);

function dramBytes(program: ReturnType<typeof compileDetailed>["program"], hw: HwConfig): number {
  return buildReport(program, simulate(program, hw, { timingOnly: true }), hw).totals.dram_bytes;
}

function bitExact(r: ReturnType<typeof compileDetailed>, hw: HwConfig, seed: number, size = X): void {
  const x = normalImage(size, seed);
  const scale = r.program.manifest.inputs[0]!.scale;
  const want = Array.from(runInt8(r.layers, quantizeInput(x, scale)));
  // Both in program order with the ISA semantics and on the simulator (which honours only the tokens).
  expect(Array.from(runInOrder(r.program, hw, [quantizeInput(x, scale)])[0]!)).to.deep.equal(want);
  expect(Array.from(simulate(r.program, hw, { input: x }).outputCodes!)).to.deep.equal(want);
}

describe("residency: activations kept in the act SRAM between layers", function () {
  this.timeout(60_000);

  it("a chain whose tensors all fit moves only the input, the parameters and the output through DRAM", () => {
    const g = chain();
    const r = compileDetailed(g, TINY, { mode: "dense", dtype: "int8" });
    expect([...r.residency.tensors.keys()].sort()).to.deep.equal(["b2", "r1"]);
    expect(dramBytes(r.program, TINY)).to.equal(X + PARAMS + T);
    // No store or load touches an intermediate tensor.
    expect(r.program.instructions.filter((i) => i.op === "store")).to.have.length.greaterThan(0);
    const stores = r.program.instructions.filter((i) => i.op === "store");
    expect(stores.reduce((s, i) => s + Number(i.f.c) * Number(i.f.h) * Number(i.f.w), 0)).to.equal(T);
    bitExact(r, TINY, 3);
  });

  it("with residency off, every intermediate tensor is stored once and loaded once per reader", () => {
    const r = compileDetailed(chain(), TINY, { mode: "dense", dtype: "int8", residency: false });
    expect(r.residency.tensors.size).to.equal(0);
    // r1: stored, read by c2 and by the add; b2: stored, read by the add.
    expect(dramBytes(r.program, TINY)).to.equal(X + PARAMS + T + (T + 2 * T) + (T + T));
    bitExact(r, TINY, 4);
  });

  it("a tensor too big for the act SRAM beside the working tiles still round-trips through DRAM", () => {
    // 1 KiB of act SRAM: a 1 KiB tensor cannot sit beside any tile.
    const hw = resolveHw({ preset: "tiny", sets: ["sram.act.kib=1"] });
    const on = compileDetailed(chain(), hw, { mode: "dense", dtype: "int8" });
    const off = compileDetailed(chain(), hw, { mode: "dense", dtype: "int8", residency: false });
    expect(on.residency.tensors.size).to.equal(0);
    expect(dramBytes(on.program, hw)).to.equal(dramBytes(off.program, hw));
    const stored = on.program.instructions
      .filter((i) => i.op === "store")
      .reduce((s, i) => s + Number(i.f.c) * Number(i.f.h) * Number(i.f.w), 0);
    expect(stored).to.equal(3 * T); // r1, b2 and the output
    bitExact(on, hw, 5);
  });

  /** r1 feeds a 3x3 conv (padding 1) and the add; the conv is dense or structured (sum-pool of a padded tile). */
  function padded(structured: boolean) {
    const nodes: Node[] = [
      conv("c1", "x", 8, 16, 1, { pad: 0 }),
      bn("b1", "c1", 16),
      relu("r1", "b1"),
      conv("c2", "r1", 16, 16, 3, structured ? { struct: { c: 8, n: 2 } } : {}),
      bn("b2", "c2", 16),
      { op: "add", name: "add", inputs: ["b2", "r1"], output: "add" },
    ];
    return build("padded", [8, 8, 8], nodes, "residency");
  }

  for (const structured of [false, true])
    it(`a padded ${structured ? "structured (sum-pool) " : ""}consumer copies its tiles from the resident tensor with load src=act: r1 never touches DRAM`, () => {
      const mode = structured ? "structured" : "dense";
      const r = compileDetailed(padded(structured), TINY, { mode, dtype: "int8" });
      const off = compileDetailed(padded(structured), TINY, { mode, dtype: "int8", residency: false });
      const r1 = r.residency.tensors.get("r1")!;
      expect(r1.stored, "r1 stored").to.equal(false);
      expect(r.residency.local.has("1:0"), "c2 copies r1 on chip").to.equal(true);
      expect(r.residency.direct.has("2:1"), "the add reads r1 in place").to.equal(true);
      // Every src=act load reads the resident [16][8][8] r1: row stride 8, plane stride 8 rows, from its region.
      const local = r.program.instructions.filter((i) => i.op === "load" && i.f.src === "act");
      expect(local).to.have.length.greaterThan(0);
      for (const i of local) {
        expect(i.f).to.include({ rstride: 8, prows: 8 });
        expect(Number(i.f.dram)).to.be.within(r1.addr, r1.addr + T - 1);
      }
      const loadedFromAct = local.reduce((s, i) => s + Number(i.f.c) * Number(i.f.h) * Number(i.f.w), 0);
      expect(loadedFromAct).to.equal(T); // one whole-tensor tile here (the 8x8 output fits one tile)
      // Weights: dense 16x16x3x3, structured alpha 16x8x2x2.
      const w2 = structured ? 16 * 8 * 2 * 2 : 16 * 16 * 9;
      const params = 16 * 8 + table(2 + 3 * 16) + w2 + table(2 + 3 * 16) + table(5);
      expect(dramBytes(r.program, TINY)).to.equal(X + params + T);
      // Off: r1 stored once and loaded by c2 and by the add; b2 stored once and loaded once.
      expect(dramBytes(off.program, TINY)).to.equal(X + params + T + (T + 2 * T) + (T + T));
      expect(off.program.instructions.some((i) => i.op === "load" && i.f.src === "act")).to.equal(false);
      bitExact(r, TINY, 6);
      bitExact(off, TINY, 6);
    });

  it("a structured conv sum-pools a resident tensor; batch 2, int8 bit for bit and fp32", () => {
    const g = chain(true);
    const images = [normalImage(X, 7), normalImage(X, 8)];
    const q = compileDetailed(g, TINY, { mode: "structured", dtype: "int8", batch: 2, calibration: images });
    expect(q.residency.direct.has("1:0"), "c2 reads r1 on chip").to.equal(true);
    const pools = q.program.instructions.filter((i) => i.op === "pool");
    expect(pools.map((i) => i.f.kc)).to.deep.equal([13, 13]); // window 16 - 4 + 1 channels, once per image
    const scale = q.program.manifest.inputs[0]!.scale;
    const codes = images.map((x) => quantizeInput(x, scale));
    const got = runInOrder(q.program, TINY, codes);
    codes.forEach((c, b) => expect(Array.from(got[b]!), `image ${b}`).to.deep.equal(Array.from(runInt8(q.layers, c))));
    const f = compileDetailed(g, TINY, { mode: "structured", dtype: "fp32", batch: 2 });
    const fon = runInOrder(f.program, TINY, images);
    const foff = runInOrder(
      compileDetailed(g, TINY, { mode: "structured", dtype: "fp32", batch: 2, residency: false }).program,
      TINY,
      images,
    );
    // The same arithmetic in the same order: residency changes where operands live, not what is computed.
    fon.forEach((y, b) => expect(Array.from(y), `image ${b}`).to.deep.equal(Array.from(foff[b]!)));
  });

  it("a producer that writes row blocks fills whole planes with per-channel src=act copies for its padded reader", () => {
    // x[8,16,16]; a 4 KiB acc SRAM cannot hold c1's 16x16x16 int32 outputs at once, so c1 writes row blocks.
    const hw = resolveHw({ preset: "tiny", sets: ["sram.acc.kib=4"] });
    const nodes: Node[] = [
      conv("c1", "x", 8, 16, 1, { pad: 0 }),
      bn("b1", "c1", 16),
      relu("r1", "b1"),
      conv("c2", "r1", 16, 16, 3),
      bn("b2", "c2", 16),
      relu("r2", "b2"),
    ];
    const g = build("blocks", [8, 16, 16], nodes, "residency");
    const r = compileDetailed(g, hw, { mode: "dense", dtype: "int8" });
    const off = compileDetailed(g, hw, { mode: "dense", dtype: "int8", residency: false });
    const r1 = r.residency.tensors.get("r1")!;
    expect(r1).to.include({ copied: true, stored: false, rows: 16 });
    const x = 8 * 16 * 16,
      t = 16 * 16 * 16;
    const params = 16 * 8 + table(2 + 3 * 16) + 16 * 16 * 9 + table(2 + 3 * 16);
    expect(dramBytes(r.program, hw)).to.equal(x + params + t);
    // Off: r1 is stored once and loaded by c2 with one halo row above and below each row tile after the first.
    const tiles = Math.ceil(16 / (off.plans[1] as { rows: number }).rows);
    expect(dramBytes(off.program, hw)).to.equal(x + params + t + t + (t + 2 * (tiles - 1) * 16 * 16));
    // The copies move every byte of r1 exactly once, one channel of a row block per load, into r1's planes.
    const copies = r.program.instructions.filter((i) => i.op === "load" && i.f.src === "act" && i.f.c === 1);
    expect(copies.reduce((n, i) => n + Number(i.f.h) * Number(i.f.w), 0)).to.equal(t);
    for (const i of copies) expect(Number(i.f.sram)).to.be.within(r1.addr, r1.addr + t - 1);
    bitExact(r, hw, 9, x);
  });

  it("ResNet-20 struct-a on tiny (int8, 8-bit E): every activation between the input and the logits stays on chip", () => {
    // 8-bit E (--e-bits 8), as when this test was written: the exact 16-bit E doubles the pool-buffer tiles on
    // tiny's 16 KiB, and layer3's smaller tiles then leave one activation in DRAM.
    const lp = runFront(loadModel("resnet20:struct-a", { readFile: (p) => fs.readFileSync(p) }), {
      mode: "structured",
      dtype: "int8",
      hw: TINY,
      ePolicy: { kind: "narrow", bits: 8, range: "calibrated" },
    });
    const on = compileLayers(lp, TINY);
    const off = compileLayers(lp, TINY, { residency: false });
    // The global average pool's [64][1][1] output goes through DRAM (64 bytes out, 64 in): its 1-element rows are
    // not SRAM-row aligned blocks. Every other activation stays on chip.
    const gap = lp.layers.find((l) => l.kind === "gap")!.output;
    const intermediates = lp.layers.map((l) => l.output).filter((n) => n !== lp.output && n !== gap);
    expect(intermediates).to.have.length(1 + 9 * 3);
    for (const n of intermediates) expect(on.residency.tensors.get(n)?.stored, n).to.equal(false);
    const ins = on.program.instructions;
    const elems = (i: (typeof ins)[number]) => Number(i.f.c) * Number(i.f.h) * Number(i.f.w);
    // Only the gap output and the 10 logits are stored; every other activation load from DRAM reads the input.
    expect(ins.filter((i) => i.op === "store").reduce((n, i) => n + elems(i), 0)).to.equal(64 + 10);
    const x = on.program.manifest.inputs[0]!;
    const fromDram = ins.filter((i) => i.op === "load" && i.f.buf === "act" && i.f.src === "dram");
    const fromX = fromDram.filter((i) => Number(i.f.dram) >= x.addr && Number(i.f.dram) < x.addr + 3 * 32 * 32);
    expect(fromDram.length - fromX.length).to.equal(1); // fc loads the 64 gap outputs
    // Weights and tables move as before; so DRAM bytes = parameters + input reads + logits.
    const paramBytes = (p: typeof ins) =>
      p
        .filter((i) => i.op === "load" && i.f.buf !== "act")
        .reduce((n, i) => n + elems(i) * (i.f.buf === "par" ? 4 : 1), 0);
    expect(paramBytes(ins)).to.equal(paramBytes(off.program.instructions));
    const inputReads = fromX.reduce((n, i) => n + elems(i), 0);
    expect(dramBytes(on.program, TINY)).to.equal(paramBytes(ins) + inputReads + 10 + 2 * 64);
    expect(inputReads).to.be.at.least(3 * 32 * 32);
    for (const b of ["act", "pool", "wgt", "acc", "par"] as const)
      expect(on.sramPeak[b]).to.be.at.most(TINY.sram[b].bytes);
  });
});
