// vop.act, vop.mul and vop.resize: semantics against naive loops written here from each row's one-line pseudo-code
// (including the fixed-point resize rule, re-derived with exact rationals), their counters and cycles against closed
// forms, and bit-exact agreement with the compiler's int8 reference executor on real layers of an ONNX network.
import { expect } from "chai";
import type { AnyLayer, VectorLayer } from "../../compiler/layers.js";
import { runFront } from "../../compiler/pipeline.js";
import { runInt8Tensors } from "../../compiler/reference/int8.js";
import { quantizeInput } from "../../compiler/reference/quant-io.js";
import { vectorParTable } from "../../compiler/vector-tables.js";
import type { ActivationFn } from "../../isa/activation.js";
import { instr } from "../../isa/build.js";
import { createState, execute, type MachineState } from "../../isa/semantics.js";
import type { Instr } from "../../isa/types.js";
import { loadOnnx } from "../../models/onnx/load.js";
import { COL, analyse } from "../../simulator/work.js";
import { HW8, normalImage } from "../compiler/front-graphs.js";
import { fusionNet, seNet } from "../models/onnx-nets.js";
import { hwOf, randInt, rng } from "./helpers.js";

const SIZES = { act: 1 << 16, pool: 16, wgt: 16, acc: 16, par: 4096 };
const mk = (dtype: "int8" | "fp32" = "int8"): MachineState => createState(dtype, 16, SIZES, 2);
const put = (m: Float32Array | Int32Array, addr: number, es: number, vals: ArrayLike<number>) => {
  for (let i = 0; i < vals.length; i++) m[addr + i * es] = vals[i]!;
};
const get = (m: Float32Array | Int32Array, addr: number, es: number, n: number) =>
  Array.from({ length: n }, (_, i) => m[addr + i * es]!);
/** floor((v + 2^(s−1)) / 2^s): the ISA's rounding right shift, from its definition. */
const rshift = (v: number, s: number) => (s === 0 ? v : Math.floor((v + 2 ** (s - 1)) / 2 ** s));
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

describe("vop.act", () => {
  it("int8: every output is the par table's entry at input code + 128 (in place too)", () => {
    const r = rng(1);
    const s = mk();
    const table = Array.from({ length: 256 }, () => randInt(r, -127, 127));
    const x = Array.from({ length: 3 * 5 * 7 }, () => randInt(r, -128, 127));
    put(s.sram.par, 64, 4, table);
    put(s.sram.act, 1024, 1, x);
    execute(s, instr("vop.act", { dst: 4096, src: 1024, c: 3, h: 5, w: 7, fn: "silu", par: 64 }));
    expect(get(s.sram.act, 4096, 1, x.length)).to.deep.equal(x.map((v) => table[v + 128]));
    execute(s, instr("vop.act", { dst: 1024, src: 1024, c: 3, h: 5, w: 7, fn: "sigmoid", par: 64 }));
    expect(get(s.sram.act, 1024, 1, x.length)).to.deep.equal(x.map((v) => table[v + 128]));
  });

  it("fp32: the function itself, clamped to par lo..hi (hardsigmoid with par alpha, beta)", () => {
    const fns: Record<string, (x: number, a: number, b: number) => number> = {
      sigmoid: (x) => 1 / (1 + Math.exp(-x)),
      silu: (x) => x / (1 + Math.exp(-x)),
      hardsigmoid: (x, a, b) => Math.max(0, Math.min(1, a * x + b)),
      hardswish: (x) => (x * Math.min(6, Math.max(0, x + 3))) / 6,
    };
    const x = Array.from({ length: 40 }, (_, i) => (i - 20) / 3);
    for (const [fn, f] of Object.entries(fns) as [ActivationFn, (x: number, a: number, b: number) => number][]) {
      const s = mk("fp32");
      put(s.sram.par, 0, 4, [-0.25, 4, 0.2, 0.5]);
      put(s.sram.act, 0, 1, x);
      execute(s, instr("vop.act", { dst: 256, src: 0, c: 2, h: 4, w: 5, fn, par: 0 }));
      const got = get(s.sram.act, 256, 1, x.length);
      x.forEach((v, i) =>
        expect(got[i], `${fn}(${v})`).to.be.closeTo(Math.fround(clamp(f(v, 0.2, 0.5), -0.25, 4)), 1e-6),
      );
    }
  });

  it("int8: a value that is not an int8 code in the act buffer is a memory fault naming the address", () => {
    const s = mk();
    s.sram.act[16] = 300;
    expect(() => execute(s, instr("vop.act", { dst: 0, src: 16, c: 1, h: 1, w: 1, fn: "silu", par: 0 }))).to.throw(
      /vop.act: act\[0x10\] = 300 is not an int8 code/,
    );
  });
});

describe("vop.mul", () => {
  for (const bc of [0, 1] as const)
    it(`int8${bc ? ", gate b[c] broadcast over each plane" : ", elementwise"}: clamp(roundShift(a·b·mult, shift), lo, hi)`, () => {
      const r = rng(2 + bc);
      const s = mk();
      const [c, h, w] = [4, 3, 5];
      const a = Array.from({ length: c * h * w }, () => randInt(r, -127, 127));
      const b = Array.from({ length: bc ? c : c * h * w }, () => randInt(r, -127, 127));
      put(s.sram.act, 0, 1, a);
      put(s.sram.act, 512, 1, b);
      put(s.sram.par, 32, 4, [-100, 90, 20000, 21]);
      execute(s, instr("vop.mul", { dst: 1024, a: 0, b: 512, c, h, w, bc, par: 32 }));
      const want = a.map((v, i) => clamp(rshift(v * b[bc ? Math.floor(i / (h * w)) : i]! * 20000, 21), -100, 90));
      expect(get(s.sram.act, 1024, 1, a.length)).to.deep.equal(want);
    });

  it("operands are read before the result is written over them", () => {
    const s = mk();
    put(s.sram.act, 0, 1, [1, 2, 3, 4]);
    put(s.sram.act, 4, 1, [5, 7]);
    put(s.sram.par, 0, 4, [-127, 127, 1, 0]);
    execute(s, instr("vop.mul", { dst: 3, a: 0, b: 4, c: 2, h: 1, w: 2, bc: 1, par: 0 }));
    expect(get(s.sram.act, 3, 1, 4)).to.deep.equal([5, 10, 21, 28]);
  });
});

/** The fixed-point rule of isa/resize.ts re-derived with exact rationals: the numerator and denominator of the
 * source coordinate, then floor(coordinate · 2^11), clamped to [0, (n − 1) · 2^11]. */
function naiveTap(mode: string, coord: string, o: number, n: number, s: number): [number, number, number, number] {
  if (mode === "nearest") {
    const i = Math.min(n - 1, Math.floor(o / s));
    return [i, i, 2048, 0];
  }
  const m = n * s;
  const [num, den] =
    coord === "half_pixel" ? [2 * o + 1 - s, 2 * s] : coord === "align_corners" ? [o * (n - 1), m - 1] : [o, s];
  let pos = den === 0 ? 0 : Math.floor((num * 2048) / den);
  pos = Math.max(0, Math.min((n - 1) * 2048, pos));
  const i0 = Math.floor(pos / 2048);
  return [i0, Math.min(i0 + 1, n - 1), 2048 - (pos - 2048 * i0), pos - 2048 * i0];
}

describe("vop.resize", () => {
  for (const [mode, coord, sh, sw] of [
    ["nearest", "half_pixel", 2, 3],
    ["bilinear", "half_pixel", 2, 2],
    ["bilinear", "half_pixel", 3, 4],
    ["bilinear", "align_corners", 4, 2],
    ["bilinear", "asymmetric", 2, 5],
  ] as const)
    it(`int8 ${mode} ${coord} ×(${sh},${sw}): Σ wy·wx·x over the 2×2 taps, rescaled`, () => {
      const r = rng(sh * 10 + sw);
      const s = mk();
      const [c, h, w] = [2, 3, 4];
      const x = Array.from({ length: c * h * w }, () => randInt(r, -127, 127));
      put(s.sram.act, 0, 1, x);
      // mult / 2^shift = 2^-22: the identity on a convex combination's codes.
      put(s.sram.par, 0, 4, [-127, 127, 16384, 36]);
      execute(s, instr("vop.resize", { dst: 1024, src: 0, c, h, w, mode, coord, sh, sw, par: 0 }));
      const [ho, wo] = [h * sh, w * sw];
      const want: number[] = [];
      for (let ci = 0; ci < c; ci++)
        for (let oy = 0; oy < ho; oy++)
          for (let ox = 0; ox < wo; ox++) {
            const [y0, y1, wy0, wy1] = naiveTap(mode, coord, oy, h, sh);
            const [x0, x1, wx0, wx1] = naiveTap(mode, coord, ox, w, sw);
            const at = (y: number, z: number) => x[(ci * h + y) * w + z]!;
            const acc =
              wy0 * wx0 * at(y0, x0) + wy0 * wx1 * at(y0, x1) + wy1 * wx0 * at(y1, x0) + wy1 * wx1 * at(y1, x1);
            want.push(clamp(rshift(acc * 16384, 36), -127, 127));
          }
      expect(get(s.sram.act, 1024, 1, want.length)).to.deep.equal(want);
    });

  it("fp32 bilinear half_pixel ×2: PyTorch's align_corners=False values on a 1×2×2 map", () => {
    const s = mk("fp32");
    put(s.sram.act, 0, 1, [1, 2, 3, 4]);
    put(s.sram.par, 0, 4, [-Infinity, Infinity, 1, 0]);
    execute(
      s,
      instr("vop.resize", {
        dst: 64,
        src: 0,
        c: 1,
        h: 2,
        w: 2,
        mode: "bilinear",
        coord: "half_pixel",
        sh: 2,
        sw: 2,
        par: 0,
      }),
    );
    // torch.nn.functional.interpolate(tensor([[[[1,2],[3,4]]]]), scale_factor=2, mode="bilinear")
    expect(get(s.sram.act, 64, 1, 16)).to.deep.equal([
      1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4,
    ]);
  });
});

describe("counters and cycles of vop.act / vop.mul / vop.resize, from their fields", () => {
  const hw = hwOf("tiny");
  const cycles = (n: number) => Math.ceil(n / hw.vector.lanes) + hw.vector.fill;
  const work = (i: Instr) => {
    const a = analyse([i], hw);
    return { at: (k: keyof typeof COL) => a.work[COL[k]]!, duration: a.duration[0]! };
  };

  it("vop.act: one act read, one 4-byte table read and one act write per element; no arithmetic", () => {
    const E = 3 * 10 * 12;
    const w = work(instr("vop.act", { dst: 0, src: 0, c: 3, h: 10, w: 12, fn: "hardswish", par: 0 }));
    expect([w.at("sram.act.read"), w.at("sram.par.read"), w.at("sram.act.write")]).to.deep.equal([E, 4 * E, E]);
    expect([w.at("vec.mult32"), w.at("vec.add32"), w.at("vec.cmp8")]).to.deep.equal([0, 0, 0]);
    expect(w.duration).to.equal(cycles(E));
  });

  it("vop.mul: two multiplies, a shift and two compares per element; a broadcast gate read once per channel", () => {
    const [c, E] = [6, 6 * 7 * 9];
    for (const bc of [0, 1] as const) {
      const w = work(instr("vop.mul", { dst: 0, a: 0, b: 0, c, h: 7, w: 9, bc, par: 0 }));
      expect([w.at("vec.mult32"), w.at("vec.shift32"), w.at("vec.cmp8")]).to.deep.equal([2 * E, E, 2 * E]);
      expect(w.at("sram.act.read")).to.equal(E + (bc ? c : E));
      expect([w.at("sram.act.write"), w.at("sram.par.read")]).to.deep.equal([E, 16]);
      expect(w.duration).to.equal(cycles(E));
    }
  });

  it("vop.resize: per output 4 taps, 7 multiplies, 3 adds (bilinear) or 1 tap, 1 multiply (nearest)", () => {
    const O = 5 * 4 * 2 * 6 * 3;
    const bil = work(
      instr("vop.resize", {
        dst: 0,
        src: 0,
        c: 5,
        h: 4,
        w: 6,
        mode: "bilinear",
        coord: "align_corners",
        sh: 2,
        sw: 3,
        par: 0,
      }),
    );
    expect([
      bil.at("sram.act.read"),
      bil.at("vec.mult32"),
      bil.at("vec.add32"),
      bil.at("vec.shift32"),
      bil.at("vec.cmp8"),
    ]).to.deep.equal([4 * O, 7 * O, 3 * O, O, 2 * O]);
    expect([bil.at("sram.act.write"), bil.duration]).to.deep.equal([O, cycles(4 * O)]);
    const nn = work(
      instr("vop.resize", {
        dst: 0,
        src: 0,
        c: 5,
        h: 4,
        w: 6,
        mode: "nearest",
        coord: "half_pixel",
        sh: 2,
        sw: 3,
        par: 0,
      }),
    );
    expect([nn.at("sram.act.read"), nn.at("vec.mult32"), nn.at("vec.add32"), nn.duration]).to.deep.equal([
      O,
      O,
      0,
      cycles(O),
    ]);
  });
});

describe("the instructions compute the int8 reference executor's layers bit for bit", function () {
  this.timeout(30_000);

  /** The instruction that runs `l` over its whole tensors, with its inputs at 0 / 16384 and its output at 32768. */
  function instrOf(l: VectorLayer): Instr {
    const [c, h, w] = [l.inShape[0]!, l.inShape[1] ?? 1, l.inShape[2] ?? 1];
    if (l.kind === "act") return instr("vop.act", { dst: 32768, src: 0, c, h, w, fn: l.fn, par: 0 });
    if (l.kind === "mul")
      return instr("vop.mul", { dst: 32768, a: 0, b: 16384, c, h, w, bc: l.broadcast ? 1 : 0, par: 0 });
    if (l.kind === "resize")
      return instr("vop.resize", {
        dst: 32768,
        src: 0,
        c,
        h,
        w,
        mode: l.mode,
        coord: l.coord,
        sh: l.scaleH,
        sw: l.scaleW,
        par: 0,
      });
    throw new Error(`no instruction for ${l.kind}`);
  }

  for (const [name, bytes, shape] of [
    ["SE net", seNet(), [3, 16, 16]],
    ["fusion net", fusionNet(), [3, 12, 12]],
  ] as const)
    it(`${name}: every act / mul / resize layer`, () => {
      const g = loadOnnx(bytes, { path: "net.onnx", readFile: () => null });
      const size = shape.reduce((a, b) => a * b, 1);
      const lp = runFront(g, { mode: "dense", dtype: "int8", hw: HW8, calibration: [normalImage(size, 3)] });
      const tensors = runInt8Tensors(lp, quantizeInput(normalImage(size, 4), lp.scales.get(lp.input.name)!));
      const isVector = (l: AnyLayer): l is VectorLayer => l.kind === "act" || l.kind === "mul" || l.kind === "resize";
      let n = 0;
      for (const l of lp.layers.filter(isVector)) {
        const s = mk();
        put(s.sram.act, 0, 1, tensors.get(l.inputs[0]!)!.data);
        if (l.kind === "mul") put(s.sram.act, 16384, 1, tensors.get(l.inputs[1]!)!.data);
        put(s.sram.par, 0, 4, vectorParTable(l, "int8"));
        execute(s, instrOf(l));
        const want = tensors.get(l.output)!.data;
        expect(get(s.sram.act, 32768, 1, want.length), l.name).to.deep.equal(Array.from(want));
        n++;
      }
      expect(n).to.be.at.least(5);
    });
});
