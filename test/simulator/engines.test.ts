// Event-driven vs stepped engine, the MAC systolic formula, lower bounds, deadlock reports.
import { expect } from "chai";
import { instr } from "../../isa/build.js";
import { simulate } from "../../simulator/simulate.js";
import { SimulationError } from "../../simulator/errors.js";
import { hwOf, layer, program, rng } from "./helpers.js";
import { randomProgram } from "./random-programs.js";

const HWS = [
  ["tiny", []],
  ["tiny", ["dram.ideal=true"]],
  ["edge", ["mac.dataflow=os"]],
  ["edge", ["mac.dataflow=is", "dram.latency=3"]],
] as const;

describe("engines", () => {
  it("event and stepped engines give identical start/end cycles on 60 random programs", () => {
    for (let seed = 1; seed <= 60; seed++) {
      const [preset, sets] = HWS[seed % HWS.length]!;
      const hw = hwOf(preset, sets);
      const r = rng(seed);
      const instrs = randomProgram(r, 10 + (seed % 40));
      const n = instrs.length;
      const layers = [layer("a", 0, Math.floor(n / 3)), layer("b", Math.floor(n / 3), n)];
      const p = program(hw, instrs, { layers });
      const ev = simulate(p, hw, { timingOnly: true });
      const st = simulate(p, hw, { timingOnly: true, engine: "stepped" });
      expect(Array.from(st.schedule.start), `seed ${seed} starts`).to.deep.equal(Array.from(ev.schedule.start));
      expect(Array.from(st.schedule.end), `seed ${seed} ends`).to.deep.equal(Array.from(ev.schedule.end));
      expect(st.schedule.cycles).to.equal(ev.schedule.cycles);
      expect(st.counters.layers.map((l) => l.cycles)).to.deep.equal(ev.counters.layers.map((l) => l.cycles));
      // Lower bounds hold for every layer and the total.
      for (const l of ev.counters.layers)
        expect(l.cycles, `seed ${seed} layer ${l.info.name}`).to.be.at.least(l.boundCycles);
      expect(ev.schedule.cycles).to.be.at.least(ev.counters.boundCycles);
    }
  });

  it("in-order queues, tokens at the producer's end, one shared DRAM port (hand-checked)", () => {
    const hw = hwOf("tiny", ["dram.latency=10"]); // 8 bytes/cycle
    const ld = (sig: ("mac" | "st")[] = []) =>
      instr(
        "load",
        {
          buf: "act",
          sram: 0,
          dram: 0,
          c: 1,
          h: 8,
          w: 8,
          rstride: 8,
          prows: 8,
          pt: 0,
          pb: 0,
          pl: 0,
          pr: 0,
          src: "dram",
        },
        { signal: sig },
      );
    const st = instr(
      "store",
      { buf: "act", sram: 0, dram: 0, c: 1, h: 4, w: 4, rstride: 4, prows: 4 },
      { wait: ["ld"] },
    );
    const p = program(hw, [ld(), ld(["st"]), st, instr("halt", {})]);
    const res = simulate(p, hw, { timingOnly: true });
    const d = hw.issueCycles;
    // load 0: dispatched at d, port 64/8 = 8 cycles, +10 latency.
    expect(res.schedule.start[0]).to.equal(d);
    expect(res.schedule.end[0]).to.equal(d + 18);
    // load 1 waits for the ld queue (in order), then the port is free again.
    expect(res.schedule.start[1]).to.equal(d + 18);
    expect(res.schedule.end[1]).to.equal(d + 36);
    // the store waits for load 1's token: starts at its end, 16 bytes = 2 port cycles + 10.
    expect(res.schedule.start[2]).to.equal(d + 36);
    expect(res.schedule.end[2]).to.equal(d + 48);
    expect(res.schedule.cycles).to.equal(d + 48);
  });

  it("loads and stores contend for the DRAM port", () => {
    const hw = hwOf("tiny", ["dram.latency=5"]);
    const ld = instr("load", {
      buf: "act",
      sram: 0,
      dram: 0,
      c: 1,
      h: 8,
      w: 8,
      rstride: 8,
      prows: 8,
      pt: 0,
      pb: 0,
      pl: 0,
      pr: 0,
      src: "dram",
    });
    const st = instr("store", { buf: "act", sram: 0, dram: 0, c: 1, h: 8, w: 8, rstride: 8, prows: 8 });
    const res = simulate(program(hw, [ld, st, instr("halt", {})]), hw, { timingOnly: true, engine: "stepped" });
    const d = hw.issueCycles;
    // the store is ready at 2d but the port is busy with the load's 8 cycles until d + 8.
    expect(res.schedule.portStart[1]).to.equal(d + 8);
    expect(res.schedule.end[1]).to.equal(d + 8 + 8 + 5);
    expect(res.counters.queues.st!.dramStall).to.equal(d + 8 - 2 * d);
  });

  for (const [dataflow, [c, h, w, kh, cout]] of [
    ["ws", [16, 10, 10, 3, 20]],
    ["ws", [3, 34, 34, 3, 16]],
    ["os", [8, 6, 6, 3, 12]],
    ["is", [8, 6, 6, 1, 40]],
  ] as const) {
    it(`dram.ideal: a dense conv's MAC busy cycles = folds x (2R + C + T - 2), ${dataflow} ${c}x${h}x${w} k${kh} -> ${cout}`, () => {
      const hw = hwOf("tiny", ["dram.ideal=true", `mac.dataflow=${dataflow}`]);
      const conv = instr("conv", {
        dst: 0,
        sbuf: "act",
        src: 0,
        wgt: 0,
        c,
        h,
        w,
        kh,
        kw: kh,
        stride: 1,
        dil: 1,
        cout,
        dw: 0,
        accum: 0,
      });
      const res = simulate(program(hw, [conv, instr("halt", {})]), hw, { timingOnly: true });
      const R = hw.mac.rows,
        C = hw.mac.cols;
      const T = (h - kh + 1) * (w - kh + 1),
        K = c * kh * kh;
      // SCALE-Sim's analytical runtime: (2*Sr + Sc + T - 2) * ceil(Sr'/Sr) * ceil(Sc'/Sc) with the dataflow's mapping.
      const [rowsDim, colsDim, stream] =
        dataflow === "ws" ? [K, cout, T] : dataflow === "os" ? [T, cout, K] : [K, T, cout];
      const want = Math.ceil(rowsDim / R) * Math.ceil(colsDim / C) * (2 * R + C + stream - 2);
      expect(res.counters.busy.mac).to.equal(want);
      expect(res.counters.work.macs).to.equal(T * K * cout);
    });
  }

  it("a deadlocked program is reported with the blocked instructions, never hangs", () => {
    const hw = hwOf("tiny");
    const instrs = [
      instr(
        "conv",
        {
          dst: 0,
          sbuf: "act",
          src: 0,
          wgt: 0,
          c: 1,
          h: 3,
          w: 3,
          kh: 1,
          kw: 1,
          stride: 1,
          dil: 1,
          cout: 1,
          dw: 0,
          accum: 0,
        },
        { wait: ["vec"], signal: ["vec"] },
      ),
      instr("vop.requant", { dst: 0, src: 0, c: 1, h: 3, w: 3, par: 0 }, { wait: ["mac"], signal: ["mac"] }),
      instr("store", { buf: "act", sram: 0, dram: 0, c: 1, h: 1, w: 1, rstride: 1, prows: 1 }, { wait: ["pool"] }),
      instr("halt", {}),
    ];
    for (const engine of ["event", "stepped"] as const) {
      let err: unknown;
      try {
        simulate(program(hw, instrs), hw, { timingOnly: true, engine });
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(SimulationError);
      const e = err as SimulationError;
      expect(e.message).to.match(/deadlock/);
      const text = e.details.join("\n");
      expect(text).to.contain("#0 conv waits for a token on vec->mac (0 given, 0 taken)");
      expect(text).to.contain("#1 vop.requant waits for a token on mac->vec");
      expect(text).to.contain("#2 store waits for a token on pool->st");
      expect(text).to.contain("#3 halt");
    }
  });

  it("maxCycles bounds the run", () => {
    const hw = hwOf("tiny");
    const big = instr("conv", {
      dst: 0,
      sbuf: "act",
      src: 0,
      wgt: 0,
      c: 64,
      h: 30,
      w: 30,
      kh: 3,
      kw: 3,
      stride: 1,
      dil: 1,
      cout: 64,
      dw: 0,
      accum: 0,
    });
    for (const engine of ["event", "stepped"] as const)
      expect(() =>
        simulate(program(hw, [big, instr("halt", {})]), hw, { timingOnly: true, engine, maxCycles: 1000 }),
      ).to.throw(/max-cycles 1000/);
  });

  it("refuses a program compiled for another hardware config, naming both ids", () => {
    const tiny = hwOf("tiny"),
      edge = hwOf("edge");
    expect(() => simulate(program(tiny, [instr("halt", {})]), edge)).to.throw(new RegExp(`${tiny.id}.*${edge.id}`));
  });
});
