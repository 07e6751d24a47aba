// The counting rules of issue 11, each against a closed form: operand passes on a narrow MAC array, the sum-pool
// stage's SRAM port cap and its charge, window reuse against im2col, and the on-chip weight store.
import * as fs from "node:fs";
import { expect } from "chai";
import { instr } from "../../isa/build.js";
import { compile } from "../../compiler/compile.js";
import { loadModel } from "../../models/zoo.js";
import { simulate } from "../../simulator/simulate.js";
import { buildReport } from "../../simulator/report.js";
import { hwOf, layer, program } from "./helpers.js";
import { checkSchema } from "./schema-check.js";

const schema = JSON.parse(fs.readFileSync(new URL("../../docs/report.schema.json", import.meta.url), "utf8")) as object;

/** A 16-channel 10x34 tile summed 9 channels deep into 16-bit E (8 x 10 x 34), then a 3x3 conv of E to 16 channels. */
function poolConvProgram(hw: ReturnType<typeof hwOf>) {
  const instrs = [
    instr(
      "pool",
      { dst: 0, src: 0, c: 16, h: 10, w: 34, kc: 9, kh: 1, kw: 1, dil: 1, mode: "separable", bits: "16", shift: 0 },
      { signal: ["mac"] },
    ),
    instr(
      "conv",
      {
        dst: 0,
        sbuf: "pool",
        src: 0,
        wgt: 0,
        c: 8,
        h: 10,
        w: 34,
        kh: 3,
        kw: 3,
        stride: 1,
        dil: 1,
        cout: 16,
        dw: 0,
        accum: 0,
      },
      { wait: ["pool"] },
    ),
    instr("halt", {}),
  ];
  return program(hw, instrs, { layers: [layer("pool", 0, 1, "pool"), layer("conv", 1, 3, "conv")] });
}

describe("energy model: counting rules (issue 11)", function () {
  this.timeout(60_000);

  it("a 16-bit E on 8x8 multipliers takes two passes: twice the multiplies and twice the fold cycles", () => {
    const T = 8 * 32,
      K = 8 * 9,
      N = 16,
      macs = T * K * N;
    const tiny = hwOf("tiny"); // 8x8, 8-bit activations
    const a = simulate(poolConvProgram(tiny), tiny, { timingOnly: true });
    const conv = a.counters.layers[1]!;
    expect(conv.work["mac.mult8"]).to.equal(2 * macs);
    expect(conv.work["mac.mult16"]).to.equal(0);
    // SCALE-Sim fold: ceil(K/R) * ceil(N/C) folds of 2R + C + T - 2 cycles, once per pass
    expect(conv.busy.mac).to.equal(2 * Math.ceil(K / 8) * Math.ceil(N / 8) * (2 * 8 + 8 + T - 2));
    const wide = hwOf("tiny", ["mac.actBits=16"]);
    const b = simulate(poolConvProgram(wide), wide, { timingOnly: true });
    const one = b.counters.layers[1]!;
    expect([one.work["mac.mult16"], one.work["mac.mult8"]]).to.deep.equal([macs, 0]);
    expect(one.busy.mac).to.equal(Math.ceil(K / 8) * Math.ceil(N / 8) * (2 * 8 + 8 + T - 2));
  });

  it("the sum-pool stage: its input bandwidth is one act SRAM row per cycle, and its SRAM traffic is charged to it", () => {
    const hw = hwOf("edge", ["pool.lanes=512"]); // adders never the limit
    const r = simulate(poolConvProgram(hw), hw, { timingOnly: true });
    const pool = r.counters.layers[0]!;
    // one pass (channels, window 9): the 16 x 10 x 34 int8 input at 16 B per cycle, plus the fill
    expect(pool.busy.sumpool).to.equal(Math.ceil((16 * 10 * 34) / 16) + hw.pool.fill);
    expect(pool.work["sram.act.read"]).to.equal(16 * 10 * 34);
    expect(pool.work["sram.pool.write"]).to.equal(8 * 10 * 34 * 2);
    // the per-unit view charges the stage all it caused: its adds (a running sum of 9 over 16 channels: 8 + 2 x 7
    // per line of 10 x 34 lines), its SRAM bytes, its input delay line, the wires into the unit (half its side), its
    // clock over its busy cycles
    const price = (k: string) => hw.energy[k]!.value;
    const inB = 16 * 10 * 34,
      eB = 8 * 10 * 34 * 2;
    const want =
      (8 + 2 * 7) * 10 * 34 * price("pool.add16") +
      inB * price("sram.act.read") +
      eB * price("sram.pool.write") +
      inB * (price("lbuf.write") + price("lbuf.read")) +
      (inB + eB) * 8 * (hw.floorplan.sideMm["pool"]! / 2) * price("wire.bitmm") +
      pool.busy.sumpool * price("clock.pool");
    expect(r.stageEnergy.sumpool).to.be.closeTo(want, 1e-9 * want);
  });

  it("window reuse reads each E element once per output-channel fold; im2col once per tap", () => {
    const win = hwOf("tiny");
    const col = hwOf("tiny", ["mac.inputReuse=im2col"]);
    const read = (hw: typeof win) =>
      simulate(poolConvProgram(hw), hw, { timingOnly: true }).counters.layers[1]!.work["sram.pool.read"];
    const colFolds = Math.ceil(16 / 8);
    expect(read(win)).to.equal(8 * 10 * 34 * 2 * colFolds);
    expect(read(col)).to.equal(8 * 32 * (8 * 9) * 2 * colFolds);
  });

  it("parameters that fit the on-chip weight store never touch DRAM; those that do not stream from it", () => {
    const hw = hwOf("iot22-0v8", ["wstore.kib=256"]);
    const run = (spec: string, mode: "dense" | "structured") => {
      const g = loadModel(spec, { readFile: (p) => fs.readFileSync(p), weights: "random" });
      const p = compile(g, hw, { mode, dtype: "int8", calibration: "nominal" });
      const r = simulate(p, hw, { timingOnly: true });
      const params = p.image.reduce((s, seg) => s + seg.data.length * seg.esize, 0);
      return { r, params, rep: buildReport(p, r, hw) };
    };
    const s = run("resnet20:struct-a", "structured");
    const d = run("resnet20", "dense");
    expect(s.params).to.be.below(256 * 1024);
    expect(d.params).to.be.above(256 * 1024);
    expect(s.rep.totals.weights_on_chip).to.deep.equal({ param_bytes: s.params, store_bytes: 256 * 1024, fits: true });
    expect(d.rep.totals.weights_on_chip.fits).to.equal(false);
    // fits: every parameter byte is read from the store instead of DRAM
    expect(s.r.counters.work["wstore.read"]).to.equal(s.params);
    expect(d.r.counters.work["wstore.read"]).to.equal(0);
    expect(d.r.counters.work["dram.read"]).to.be.at.least(d.params);
  });

  it("an fp32 run prices nothing: every energy figure is null in report.json, with the reason, never int8 or 16x8 prices", () => {
    const hw = hwOf("edge");
    const g = loadModel("resnet20:struct-a", { readFile: (p) => fs.readFileSync(p), weights: "random" });
    const p = compile(g, hw, { mode: "structured", dtype: "fp32" });
    const rep = JSON.parse(JSON.stringify(buildReport(p, simulate(p, hw, { timingOnly: true }), hw))) as {
      totals: { energy_pj: Record<string, unknown>; energy_by_unit_pj: Record<string, unknown>; energy_note: string };
      layers: { energy_pj: unknown }[];
    };
    expect(Object.values(rep.totals.energy_pj).every((v) => v === null)).to.equal(true);
    expect(Object.values(rep.totals.energy_by_unit_pj).every((v) => v === null)).to.equal(true);
    expect(rep.layers.every((l) => l.energy_pj === null)).to.equal(true);
    expect(rep.totals.energy_note).to.match(/not priced in fp32 mode/);
    expect(checkSchema(schema, rep)).to.deep.equal([]);
  });
});
