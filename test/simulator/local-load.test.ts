// load src=act: a padded tile copy out of the act SRAM. Semantics against a naive padded copy written here from the
// ISA's pseudo-code; timing (no DRAM port: ceil(bytes written / act row bytes) + 1) and counters (no DRAM bytes).
import { expect } from "chai";
import { instr } from "../../isa/build.js";
import { createState, execute } from "../../isa/semantics.js";
import { simulate } from "../../simulator/simulate.js";
import { hwOf, program, rng, randInt } from "./helpers.js";

const SIZES = { act: 8192, pool: 8192, wgt: 4096, acc: 16384, par: 1024 };

/** Naive: out[c][y][x] of the (h+pt+pb) x (w+pl+pr) padded tile, from src[base + (c*prows + y)*rstride + x]. */
function naivePadded(
  src: ArrayLike<number>,
  base: number,
  t: {
    c: number;
    h: number;
    w: number;
    rstride: number;
    prows: number;
    pt: number;
    pb: number;
    pl: number;
    pr: number;
  },
): number[] {
  const out: number[] = [];
  for (let c = 0; c < t.c; c++)
    for (let y = -t.pt; y < t.h + t.pb; y++)
      for (let x = -t.pl; x < t.w + t.pr; x++)
        out.push(y < 0 || y >= t.h || x < 0 || x >= t.w ? 0 : src[base + (c * t.prows + y) * t.rstride + x]!);
  return out;
}

describe("load src=act (local padded copy)", () => {
  for (const dtype of ["int8", "fp32"] as const)
    it(`copies a padded sub-tile of a resident [C][H][W] tensor like the naive loop (${dtype}, 40 random tiles)`, () => {
      const r = rng(dtype === "int8" ? 7 : 8);
      for (let k = 0; k < 40; k++) {
        const s = createState(dtype, 4096, SIZES, 2);
        const [C, H, W] = [randInt(r, 1, 6), randInt(r, 2, 12), randInt(r, 2, 12)];
        const base = 16 * randInt(r, 0, 64);
        for (let i = 0; i < C * H * W; i++) s.sram.act[base + i] = dtype === "int8" ? randInt(r, -128, 127) : r() - 0.5;
        const c = randInt(r, 1, C),
          c0 = randInt(r, 0, C - c),
          h = randInt(r, 1, H),
          y0 = randInt(r, 0, H - h);
        const t = {
          c,
          h,
          w: W,
          rstride: W,
          prows: H,
          pt: randInt(r, 0, 3),
          pb: randInt(r, 0, 3),
          pl: randInt(r, 0, 3),
          pr: randInt(r, 0, 3),
        };
        const from = base + (c0 * H + y0) * W;
        const dst = 4096;
        const before = Array.from(s.sram.act);
        execute(s, instr("load", { buf: "act", sram: dst, dram: from, ...t, src: "act" }));
        const n = c * (h + t.pt + t.pb) * (W + t.pl + t.pr);
        const want = naivePadded(before, from, t);
        expect(Array.from(s.sram.act.subarray(dst, dst + n))).to.deep.equal(
          dtype === "fp32" ? Array.from(Float32Array.from(want)) : want,
        );
        // the source is untouched, DRAM is never read (it is all zeros here, the copy is not)
        expect(Array.from(s.sram.act.subarray(0, dst))).to.deep.equal(before.slice(0, dst));
      }
    });

  it("an out-of-bounds act source faults, naming the act buffer", () => {
    const s = createState("int8", 4096, SIZES, 2);
    const ld = instr("load", {
      buf: "act",
      sram: 0,
      dram: 8190,
      c: 1,
      h: 1,
      w: 4,
      rstride: 4,
      prows: 1,
      pt: 0,
      pb: 0,
      pl: 0,
      pr: 0,
      src: "act",
    });
    expect(() => execute(s, ld)).to.throw(/act\[0x1ffe\.\.0x2002\)/);
  });

  for (const [preset, sets] of [
    ["tiny", []],
    ["edge", ["dram.latency=50"]],
    ["edge", ["dram.ideal=true"]],
  ] as const)
    it(`timing and counters: ceil(bytes written / act row bytes) + 1 cycles, no DRAM port or bytes (${preset} ${sets.join(" ")})`, () => {
      const hw = hwOf(preset, sets);
      const rowBytes = hw.sram.act.rowBits / 8;
      const t = { c: 3, h: 8, w: 10, rstride: 10, prows: 20, pt: 1, pb: 1, pl: 1, pr: 1 };
      const written = 3 * 10 * 12; // c * (h+2) * (w+2), zero padding included
      const local = instr("load", { buf: "act", sram: 0x1000, dram: 0x100, ...t, src: "act" }, { signal: ["st"] });
      const store = instr(
        "store",
        { buf: "act", sram: 0x1000, dram: 0, c: 1, h: 1, w: 16, rstride: 16, prows: 1 },
        { wait: ["ld"] },
      );
      const p = program(hw, [local, store, instr("halt", {})]);
      for (const engine of ["event", "stepped"] as const) {
        const res = simulate(p, hw, { timingOnly: true, engine });
        const d = hw.issueCycles;
        expect(res.schedule.start[0]).to.equal(d);
        expect(res.schedule.end[0]).to.equal(d + Math.ceil(written / rowBytes) + 1);
        // the store alone uses the DRAM port, right after the copy (it waits for its token)
        expect(res.schedule.start[1]).to.equal(res.schedule.end[0]);
        expect(res.counters.queues.ld!.dramStall).to.equal(0);
        const w = res.counters.work;
        expect(w["dram.read"]).to.equal(0);
        expect(w["dram.write"]).to.equal(16);
        expect(w.dram_bytes).to.equal(16);
        expect(w["sram.act.read"]).to.equal(3 * 8 * 10 + 16);
        expect(w["sram.act.write"]).to.equal(written);
        expect(res.counters.busy.dma).to.be.at.least(Math.ceil(written / rowBytes) + 1);
      }
    });
});
