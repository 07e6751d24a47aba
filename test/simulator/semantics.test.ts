// Each instruction's semantics against hand-computed values and naive loops written here from the ISA's one-line
// pseudo-code (not by calling the code under test).
import { expect } from "chai";
import { instr } from "../../isa/build.js";
import { createState, execute, roundShift, type MachineState, type Storage } from "../../isa/semantics.js";
import { rng, randInt } from "./helpers.js";

const SIZES = { act: 4096, pool: 8192, wgt: 4096, acc: 16384, par: 1024 };
const mk = (dtype: "int8" | "fp32" = "int8") => createState(dtype, 8192, SIZES, 2);
const put = (m: Storage, addr: number, es: number, vals: readonly number[]) =>
  vals.forEach((v, i) => (m[addr + i * es] = v));
const get = (m: Storage, addr: number, es: number, n: number) => Array.from({ length: n }, (_, i) => m[addr + i * es]!);
const randVals = (r: () => number, n: number, lo = -127, hi = 127) =>
  Array.from({ length: n }, () => randInt(r, lo, hi));

describe("semantics", () => {
  it("roundShift rounds half up, also for negatives", () => {
    expect(roundShift(315, 2)).to.equal(79); // 78.75
    expect(roundShift(6, 2)).to.equal(2); // 1.5 -> 2
    expect(roundShift(-6, 2)).to.equal(-1); // -1.5 -> -1 (half up)
    expect(roundShift(-7, 2)).to.equal(-2); // -1.75
    expect(roundShift(17, 0)).to.equal(17);
  });

  it("load pads with zeros and honours row/plane strides", () => {
    const s = mk();
    // DRAM holds a 2x3x4 tensor (NCHW, row stride 4, plane 3 rows); load channels 0..1, rows 1..2, cols 1..2.
    put(
      s.dram,
      100,
      1,
      Array.from({ length: 24 }, (_, i) => i + 1),
    );
    execute(
      s,
      instr("load", {
        buf: "act",
        sram: 32,
        dram: 100 + 1 * 4 + 1,
        c: 2,
        h: 2,
        w: 2,
        rstride: 4,
        prows: 3,
        pt: 1,
        pb: 0,
        pl: 0,
        pr: 1,
        src: "dram",
      }),
    );
    // Each plane is 3x3: a zero row, then [x(1,1) x(1,2) 0], [x(2,1) x(2,2) 0].
    expect(get(s.sram.act, 32, 1, 18)).to.deep.equal([0, 0, 0, 6, 7, 0, 10, 11, 0, 0, 0, 0, 18, 19, 0, 22, 23, 0]);
  });

  it("load/store of 4-byte elements (acc, par) use 4-byte strides", () => {
    const s = mk();
    put(s.dram, 0, 4, [5, -6, 7, 8]);
    execute(
      s,
      instr("load", {
        buf: "par",
        sram: 16,
        dram: 0,
        c: 1,
        h: 2,
        w: 2,
        rstride: 2,
        prows: 2,
        pt: 0,
        pb: 0,
        pl: 0,
        pr: 0,
        src: "dram",
      }),
    );
    expect(get(s.sram.par, 16, 4, 4)).to.deep.equal([5, -6, 7, 8]);
    execute(s, instr("store", { buf: "par", sram: 16, dram: 1000, c: 1, h: 2, w: 2, rstride: 3, prows: 2 }));
    expect(get(s.dram, 1000, 4, 5)).to.deep.equal([5, -6, 0, 7, 8]);
  });

  it("pool: hand-computed 3D window sums, shift and saturation", () => {
    const s = mk();
    put(
      s.sram.act,
      0,
      1,
      Array.from({ length: 18 }, (_, i) => i + 1),
    ); // 2x3x3: 1..9, 10..18
    execute(
      s,
      instr("pool", {
        dst: 0,
        src: 0,
        c: 2,
        h: 3,
        w: 3,
        kc: 2,
        kh: 2,
        kw: 2,
        dil: 1,
        mode: "separable",
        bits: "16",
        shift: 0,
      }),
    );
    // out[0,0,0] = (1+2+4+5) + (10+11+13+14) = 60; each step right adds 8 (2 per tap pair x 4), down adds 24.
    expect(get(s.sram.pool, 0, 2, 4)).to.deep.equal([60, 68, 84, 92]);
    execute(
      s,
      instr("pool", {
        dst: 64,
        src: 0,
        c: 2,
        h: 3,
        w: 3,
        kc: 2,
        kh: 2,
        kw: 2,
        dil: 1,
        mode: "direct",
        bits: "8",
        shift: 2,
      }),
    );
    // roundShift by 2: 15, 17, 21, 23
    expect(get(s.sram.pool, 64, 1, 4)).to.deep.equal([15, 17, 21, 23]);
    put(s.sram.act, 0, 1, Array(18).fill(100));
    execute(
      s,
      instr("pool", {
        dst: 64,
        src: 0,
        c: 2,
        h: 3,
        w: 3,
        kc: 2,
        kh: 2,
        kw: 2,
        dil: 1,
        mode: "direct",
        bits: "8",
        shift: 0,
      }),
    );
    expect(get(s.sram.pool, 64, 1, 4)).to.deep.equal([127, 127, 127, 127]); // 800 saturates
    put(s.sram.act, 0, 1, Array(18).fill(-100));
    execute(
      s,
      instr("pool", {
        dst: 64,
        src: 0,
        c: 2,
        h: 3,
        w: 3,
        kc: 1,
        kh: 1,
        kw: 3,
        dil: 1,
        mode: "direct",
        bits: "8",
        shift: 0,
      }),
    );
    expect(get(s.sram.pool, 64, 1, 6)).to.deep.equal(Array(6).fill(-128));
  });

  it("pool with dilation 2 matches a naive window sum", () => {
    const s = mk();
    const r = rng(3);
    const [c, h, w, kc, kh, kw, d] = [3, 6, 7, 2, 2, 3, 2];
    const x = randVals(r, c * h * w);
    put(s.sram.act, 0, 1, x);
    execute(s, instr("pool", { dst: 0, src: 0, c, h, w, kc, kh, kw, dil: d, mode: "separable", bits: "32", shift: 0 }));
    const co = c - kc + 1,
      ho = h - d * (kh - 1),
      wo = w - d * (kw - 1);
    const want: number[] = [];
    for (let o = 0; o < co; o++)
      for (let y = 0; y < ho; y++)
        for (let xx = 0; xx < wo; xx++) {
          let sum = 0;
          for (let i = 0; i < kc; i++)
            for (let j = 0; j < kh; j++)
              for (let k = 0; k < kw; k++) sum += x[((o + i) * h + y + j * d) * w + xx + k * d]!;
          want.push(sum);
        }
    expect(get(s.sram.pool, 0, 4, want.length)).to.deep.equal(want);
  });

  function naiveConv(
    x: number[],
    wt: number[],
    c: number,
    h: number,
    w: number,
    kh: number,
    kw: number,
    st: number,
    d: number,
    cout: number,
    dw: boolean,
  ) {
    const ho = Math.floor((h - d * (kh - 1) - 1) / st) + 1,
      wo = Math.floor((w - d * (kw - 1) - 1) / st) + 1;
    const cin = dw ? 1 : c;
    const out: number[] = [];
    for (let o = 0; o < cout; o++)
      for (let y = 0; y < ho; y++)
        for (let xx = 0; xx < wo; xx++) {
          let sum = 0;
          for (let i = 0; i < cin; i++)
            for (let j = 0; j < kh; j++)
              for (let k = 0; k < kw; k++)
                sum +=
                  x[((dw ? o : i) * h + y * st + j * d) * w + xx * st + k * d]! *
                  wt[((o * cin + i) * kh + j) * kw + k]!;
          out.push(sum);
        }
    return out;
  }

  for (const [name, c, h, w, kh, kw, st, d, cout, dw] of [
    ["3x3 stride 1", 3, 5, 6, 3, 3, 1, 1, 4, false],
    ["3x3 stride 2", 2, 7, 7, 3, 3, 2, 1, 3, false],
    ["dilation 2", 2, 7, 8, 3, 2, 1, 2, 2, false],
    ["1x1", 5, 3, 3, 1, 1, 1, 1, 6, false],
    ["depthwise 3x3 stride 2", 4, 6, 6, 3, 3, 2, 1, 4, true],
  ] as const) {
    it(`conv ${name} (act source) equals a naive convolution; accum adds`, () => {
      const s = mk();
      const r = rng(11 + c * 7 + h);
      const x = randVals(r, c * h * w),
        wt = randVals(r, cout * (dw ? 1 : c) * kh * kw);
      put(s.sram.act, 16, 1, x);
      put(s.sram.wgt, 32, 1, wt);
      const f = {
        dst: 64,
        sbuf: "act",
        src: 16,
        wgt: 32,
        c,
        h,
        w,
        kh,
        kw,
        stride: st,
        dil: d,
        cout,
        dw: dw ? 1 : 0,
        accum: 0,
      } as const;
      execute(s, instr("conv", f));
      const want = naiveConv(x, wt, c, h, w, kh, kw, st, d, cout, dw);
      expect(get(s.sram.acc, 64, 4, want.length)).to.deep.equal(want);
      execute(s, instr("conv", { ...f, accum: 1 }));
      expect(get(s.sram.acc, 64, 4, want.length)).to.deep.equal(want.map((v) => 2 * v));
    });
  }

  it("conv reads 16-bit E from the pool buffer with the width the pool instruction wrote", () => {
    const s = mk();
    const r = rng(5);
    const x = randVals(r, 3 * 4 * 4);
    put(s.sram.act, 0, 1, x);
    execute(
      s,
      instr("pool", {
        dst: 128,
        src: 0,
        c: 3,
        h: 4,
        w: 4,
        kc: 2,
        kh: 2,
        kw: 2,
        dil: 1,
        mode: "separable",
        bits: "16",
        shift: 0,
      }),
    );
    const E: number[] = [];
    for (let o = 0; o < 2; o++)
      for (let y = 0; y < 3; y++)
        for (let xx = 0; xx < 3; xx++) {
          let sum = 0;
          for (let i = 0; i < 2; i++)
            for (let j = 0; j < 2; j++) for (let k = 0; k < 2; k++) sum += x[((o + i) * 4 + y + j) * 4 + xx + k]!;
          E.push(sum);
        }
    const wt = randVals(r, 2 * 2 * 2 * 2);
    put(s.sram.wgt, 0, 1, wt);
    execute(
      s,
      instr("conv", {
        dst: 0,
        sbuf: "pool",
        src: 128,
        wgt: 0,
        c: 2,
        h: 3,
        w: 3,
        kh: 2,
        kw: 2,
        stride: 1,
        dil: 1,
        cout: 2,
        dw: 0,
        accum: 0,
      }),
    );
    expect(get(s.sram.acc, 0, 4, 8)).to.deep.equal(naiveConv(E, wt, 2, 3, 3, 2, 2, 1, 1, 2, false));
  });

  it("gemm: acc[m][n] = sum_k src[m][k] * wgt[n][k]", () => {
    const s = mk();
    put(s.sram.act, 0, 1, [1, 2, 3, 4, 5, 6]); // m=2, k=3
    put(s.sram.wgt, 0, 1, [1, 0, -1, 2, 2, 2]); // n=2
    execute(s, instr("gemm", { dst: 0, sbuf: "act", src: 0, wgt: 0, m: 2, k: 3, n: 2, accum: 0 }));
    expect(get(s.sram.acc, 0, 4, 4)).to.deep.equal([1 - 3, 2 * 6, 4 - 6, 2 * 15]);
  });

  const writePar = (s: MachineState, addr: number, vals: number[]) => put(s.sram.par, addr, 4, vals);

  it("vop.requant: clamp(roundShift((acc + bias) * mult, shift), lo, hi) per channel", () => {
    const s = mk();
    put(s.sram.acc, 0, 4, [100, -100, 7, 1000]); // c=2, h=1, w=2
    writePar(s, 0, [-20, 100, 5, 3, 2, -1, 16384, 14]);
    execute(s, instr("vop.requant", { dst: 0, src: 0, c: 2, h: 1, w: 2, par: 0 }));
    // ch0: (105*3)/4 = 78.75 -> 79; (-95*3)/4 = -71.25 -> -71 -> clamp -20. ch1: (6*16384)/16384 = 6; 999 -> 999 -> 100
    expect(get(s.sram.act, 0, 1, 4)).to.deep.equal([79, -20, 6, 100]);
  });

  it("vop.add with subsampled b, and nob", () => {
    const s = mk();
    put(s.sram.act, 0, 1, [10, 20, 30, 40]); // a: c=1, 2x2
    put(s.sram.act, 16, 1, [1, 99, 2, 99, 99, 99, 99, 99, 3, 99, 4, 99, 99, 99, 99, 99]); // b: 4x4, bs=2
    writePar(s, 0, [-127, 127, 3, 8, 1]);
    execute(s, instr("vop.add", { dst: 64, a: 0, b: 16, c: 1, h: 2, w: 2, bs: 2, nob: 0, par: 0 }));
    // (10*3 + 1*8)/2 = 19; (60+16)/2 = 38; (90+24)/2 = 57; (120+32)/2 = 76
    expect(get(s.sram.act, 64, 1, 4)).to.deep.equal([19, 38, 57, 76]);
    execute(s, instr("vop.add", { dst: 64, a: 0, b: 0, c: 1, h: 2, w: 2, bs: 1, nob: 1, par: 0 }));
    expect(get(s.sram.act, 64, 1, 4)).to.deep.equal([15, 30, 45, 60]);
  });

  it("vop.pool max ignores padding; avg counts padded zeros (count_include_pad)", () => {
    const s = mk();
    put(s.sram.act, 0, 1, [-5, -2, -3, -4]); // 1x2x2
    execute(s, instr("vop.pool", { dst: 32, src: 0, c: 1, h: 2, w: 2, op: "max", win: 3, stride: 2, pad: 1, par: 0 }));
    expect(get(s.sram.act, 32, 1, 1)).to.deep.equal([-2]); // not 0 from padding
    put(s.sram.act, 0, 1, [4, 8, 12, 16]);
    writePar(s, 0, [-127, 127, 7282, 16]); // mult/2^16 ~ 1/9
    execute(s, instr("vop.pool", { dst: 32, src: 0, c: 1, h: 2, w: 2, op: "avg", win: 3, stride: 1, pad: 1, par: 0 }));
    // every window covers all four values: sum 40; 40*7282/65536 = 4.44 -> 4 (a divisor of 4 would give 10)
    expect(get(s.sram.act, 32, 1, 4)).to.deep.equal([4, 4, 4, 4]);
  });

  it("vop.gap: clamp(roundShift(sum * mult, shift))", () => {
    const s = mk();
    put(s.sram.act, 0, 1, [1, 2, 3, 4, -8, -8, -8, -9]);
    writePar(s, 0, [-127, 127, 1, 2]);
    execute(s, instr("vop.gap", { dst: 100, src: 0, c: 2, h: 2, w: 2, par: 0 }));
    expect(get(s.sram.act, 100, 1, 2)).to.deep.equal([3, -8]); // 10/4 = 2.5 -> 3; -33/4 = -8.25 -> -8
  });

  it("fp32 programs use float math and ignore shifts", () => {
    const s = mk("fp32");
    put(s.sram.acc, 0, 4, [1.5, -2.25]);
    writePar(s, 0, [0, 6, 0.5, 2, 7]);
    execute(s, instr("vop.requant", { dst: 0, src: 0, c: 1, h: 1, w: 2, par: 0 }));
    expect(get(s.sram.act, 0, 1, 2)).to.deep.equal([4, 0]); // (1.5+0.5)*2 = 4; (-1.75*2) -> relu 0
  });

  it("an access outside a buffer is an error naming the buffer", () => {
    const s = mk();
    expect(() => execute(s, instr("vop.gap", { dst: 4090, src: 0, c: 16, h: 1, w: 1, par: 0 }))).to.throw(/act/);
  });
});
