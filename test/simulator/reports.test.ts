// Energy = counters x prices (by hand on one conv), area, report.json against docs/report.schema.json,
// layers.csv shape, and the Chrome trace.
import * as fs from "node:fs";
import { expect } from "chai";
import { instr } from "../../isa/build.js";
import { ENERGY_COMPONENTS, LEAKING_UNITS } from "../../isa/counters.js";
import { layersCsv, CSV_COLUMNS } from "../../simulator/csv.js";
import { buildReport } from "../../simulator/report.js";
import { simulate } from "../../simulator/simulate.js";
import { chromeTrace } from "../../simulator/trace.js";
import { summaryText } from "../../simulator/summary.js";
import { hwOf, layer, program } from "./helpers.js";
import { checkSchema } from "./schema-check.js";

const schema = JSON.parse(fs.readFileSync(new URL("../../docs/report.schema.json", import.meta.url), "utf8")) as object;

function convProgram(hw: ReturnType<typeof hwOf>) {
  // load a 4x10x10 tile with 1 pixel of padding, 3x3 conv to 8 channels, requant, store.
  const instrs = [
    instr("load", {
      buf: "act",
      sram: 0,
      dram: 0,
      c: 4,
      h: 10,
      w: 10,
      rstride: 10,
      prows: 10,
      pt: 1,
      pb: 1,
      pl: 1,
      pr: 1,
      src: "dram",
    }),
    instr(
      "load",
      {
        buf: "wgt",
        sram: 0,
        dram: 4096,
        c: 1,
        h: 1,
        w: 288,
        rstride: 288,
        prows: 1,
        pt: 0,
        pb: 0,
        pl: 0,
        pr: 0,
        src: "dram",
      },
      { signal: ["mac"] },
    ),
    instr(
      "conv",
      {
        dst: 0,
        sbuf: "act",
        src: 0,
        wgt: 0,
        c: 4,
        h: 12,
        w: 12,
        kh: 3,
        kw: 3,
        stride: 1,
        dil: 1,
        cout: 8,
        dw: 0,
        accum: 0,
      },
      { wait: ["ld"], signal: ["vec"] },
    ),
    instr("vop.requant", { dst: 1024, src: 0, c: 8, h: 10, w: 10, par: 0 }, { wait: ["mac"], signal: ["st"] }),
    instr(
      "store",
      { buf: "act", sram: 1024, dram: 8192, c: 8, h: 10, w: 10, rstride: 10, prows: 10 },
      { wait: ["vec"] },
    ),
    instr("halt", {}),
  ];
  return program(hw, instrs, { layers: [layer("in", 0, 2, "load"), layer("conv", 2, 5, "conv")] });
}

describe("reports", () => {
  const hw = hwOf("tiny");
  const p = convProgram(hw);
  const res = simulate(p, hw, { timingOnly: true });
  const rep = buildReport(p, res, hw);

  it("energy of a layer is its counters x the price table, computed by hand", () => {
    const price = (k: string) => hw.energy[k]!.value;
    const T = 100,
      K = 4 * 9,
      N = 8,
      E = 8 * 100;
    const l = rep.layers[1]!;
    expect(l.macs).to.equal(T * K * N);
    const mac = T * K * N * (price("mac.mult8") + price("mac.add32"));
    expect(l.energy.mac).to.be.closeTo(mac, 1e-9 * mac);
    const vector = E * (price("vec.add32") + price("vec.mult32") + price("vec.shift32") + 2 * price("vec.cmp8"));
    expect(l.energy.vector).to.be.closeTo(vector, 1e-9 * vector);
    expect(l.energy.dram).to.be.closeTo(E * price("dram.write"), 1e-9);
    const leakUw = LEAKING_UNITS.reduce((s, u) => s + hw.leakage[u]!.value * hw.instances[u]!, 0);
    expect(l.energy.leakage).to.be.closeTo((leakUw * l.cycles) / hw.clock_mhz, 1e-6);
    // The MAC array's pipeline registers (ws on tiny's 8x8 array): per MAC the 8-bit activation and the
    // 8 + 8 + log2(8) = 19-bit partial sum move one cell; the 288 weight bytes shift in through (8 + 1) / 2 cells.
    const regBits = T * K * N * (8 + 19) + 288 * 8 * ((8 + 1) / 2);
    expect(l.energy.registers).to.be.closeTo(regBits * price("mac.reg"), 1e-9);
    // Window reuse: the 4x12x12 padded tile enters the line buffer once; each of the 100 outputs takes a new
    // column of 3 rows x 4 channels from it.
    expect(l.energy.linebuf).to.be.closeTo(4 * 12 * 12 * price("lbuf.write") + 100 * 3 * 4 * price("lbuf.read"), 1e-9);
    // Clock: the conv's folds ceil(36/8) x ceil(8/8) x (2*8 + 8 + 100 - 2) cycles, the requant ceil(800/8) + 4,
    // and the store's 800 bytes at 1.6 GB/s / 200 MHz = 8 B per cycle on the DRAM port.
    const convCycles = 5 * (2 * 8 + 8 + 100 - 2);
    expect(l.energy.clock).to.be.closeTo(
      convCycles * price("clock.mac") + (100 + 4) * price("clock.vec") + (800 / 8) * price("clock.dma"),
      1e-9,
    );
    const sum = ENERGY_COMPONENTS.reduce((t, k) => t + l.energy[k], 0);
    expect(l.energy_pj).to.be.closeTo(sum, 1e-6);
    // DRAM bytes: 400 + 288 loaded, 800 stored.
    expect(rep.totals.dram_bytes).to.equal(400 + 288 + 800);
    expect(rep.totals.energy_pj.dram).to.be.closeTo(688 * price("dram.read") + 800 * price("dram.write"), 1e-9);
  });

  it("a counter without a price is an error naming it", () => {
    const rest = Object.fromEntries(Object.entries(hw.energy).filter(([k]) => k !== "mac.mult8"));
    const bad = { ...hw, energy: rest };
    expect(() => simulate(p, bad, { timingOnly: true })).to.throw(/mac\.mult8/);
  });

  it("area: MAC array = rows*cols cells, SPU = lanes adders, plus SRAMs", () => {
    const a = rep.totals.area_mm2;
    expect(a["mac"]).to.be.closeTo(hw.area["mac"]!.value * 1e-6 * hw.mac.rows * hw.mac.cols, 1e-12);
    expect(a["pool"]).to.be.closeTo(hw.area["pool"]!.value * 1e-6 * hw.pool.lanes, 1e-12);
    expect(a["total"]).to.be.closeTo(
      LEAKING_UNITS.reduce((s, u) => s + a[u]!, 0),
      1e-12,
    );
  });

  it("report.json validates against docs/report.schema.json", () => {
    const json = JSON.parse(JSON.stringify(rep)) as unknown;
    expect(checkSchema(schema, json)).to.deep.equal([]);
    // and the checker does catch a broken report
    const broken = JSON.parse(JSON.stringify(rep)) as { totals: Record<string, unknown>; layers: { busy: unknown }[] };
    delete broken.totals["cycles"];
    broken.layers[0]!.busy = 3;
    expect(checkSchema(schema, broken)).to.have.length(2);
  });

  it("layers.csv: one header from the column list, one row per layer, same width", () => {
    const lines = layersCsv(rep).trim().split("\n");
    expect(lines[0]).to.equal(CSV_COLUMNS.join(","));
    expect(lines).to.have.length(1 + rep.layers.length);
    for (const l of lines) expect(l.split(",")).to.have.length(CSV_COLUMNS.length);
    expect(lines[2]!.split(",")[0]).to.equal("conv");
  });

  it("the trace is Chrome trace JSON with one named track per unit and ts in microseconds", () => {
    const tr = JSON.parse(JSON.stringify(chromeTrace(res))) as {
      traceEvents: {
        ph: string;
        name: string;
        tid: number;
        ts?: number;
        dur?: number;
        args?: { name?: string; start_cycle?: number };
      }[];
    };
    const names = new Map(
      tr.traceEvents.filter((e) => e.ph === "M" && e.name === "thread_name").map((e) => [e.tid, e.args!.name!]),
    );
    expect([...names.values()]).to.include.members([
      "DMA load",
      "DMA store",
      "sum-pool unit",
      "MAC array",
      "vector unit",
      "DRAM port",
    ]);
    const xs = tr.traceEvents.filter((e) => e.ph === "X");
    expect(xs.length).to.be.greaterThan(p.instructions.length - 1);
    for (const e of xs) {
      expect(names.has(e.tid)).to.equal(true);
      expect(e.ts).to.be.a("number");
      expect(e.dur).to.be.at.least(0);
    }
    const conv = xs.find((e) => e.name === "conv")!;
    expect(conv.ts).to.be.closeTo(conv.args!.start_cycle! / hw.clock_mhz, 1e-9);
  });

  it("the summary has colours only when asked", () => {
    expect(summaryText(rep, { color: false })).to.not.contain("\u001b[");
    expect(summaryText(rep, { color: true })).to.contain("\u001b[");
    expect(summaryText(rep, { color: false })).to.match(/cycles\s+\S/);
  });
});
