// The compiler's front half and reference executors on the vector-unit layers (act, mul, concat, resize):
// fp32 against ONNX Runtime on the same ONNX files, int8 against fp32, the lookup tables against the closed-form
// error bound, the fixed-point resize weights against the exact ones, and the back end's refusal until phase 2.
import { expect } from "chai";
import { compile } from "../../compiler/compile.js";
import type { ActLayer, FrontProgram, ResizeLayer } from "../../compiler/layers.js";
import { runFront } from "../../compiler/pipeline.js";
import { runFp32 } from "../../compiler/reference/fp32.js";
import { runInt8 } from "../../compiler/reference/int8.js";
import { dequantize, quantizeInput } from "../../compiler/reference/quant-io.js";
import { fixedPointTaps } from "../../compiler/reference/vector.js";
import { activate } from "../../isa/activation.js";
import { exactTap } from "../../isa/resize.js";
import { InputError } from "../../isa/errors.js";
import { resolveHw } from "../../isa/hw/config.js";
import type { Graph } from "../../models/ir.js";
import { loadOnnx } from "../../models/onnx/load.js";
import { fusionNet, mobileNetV3Small, seNet } from "../models/onnx-nets.js";
import { ortRun } from "../models/ort.js";
import { HW16, HW8, cosine, normalImage, relErr } from "./front-graphs.js";

const graphOf = (bytes: Uint8Array): Graph => loadOnnx(bytes, { path: "net.onnx", readFile: () => null });

const NETS: [string, () => Uint8Array, number[]][] = [
  ["SE net", () => seNet(), [3, 16, 16]],
  ["fusion net", () => fusionNet(), [3, 12, 12]],
  ["MobileNetV3-small at 32×32", () => mobileNetV3Small(32), [3, 32, 32]],
];

describe("compiler reference executors on act / mul / concat / resize", function () {
  this.timeout(60_000);

  for (const [name, build, shape] of NETS) {
    const bytes = build();
    const g = graphOf(bytes);
    const size = shape.reduce((a, b) => a * b, 1);
    const images = [0, 1, 2].map((k) => normalImage(size, 40 + k));

    it(`${name}: fp32 reference matches ONNX Runtime within 1e-4`, async () => {
      const lp = runFront(g, { mode: "dense", dtype: "fp32", hw: HW8 });
      for (const x of images) expect(relErr(runFp32(lp, x), await ortRun(bytes, x, [1, ...shape]))).to.be.below(1e-4);
    });

    it(`${name}: int8 reference (calibrated on the inputs) has cosine ≥ 0.999 with ONNX Runtime`, async () => {
      const lp = runFront(g, { mode: "dense", dtype: "int8", hw: HW16, calibration: images });
      for (const x of images) {
        const q = runInt8(lp, quantizeInput(x, lp.scales.get(lp.input.name)!));
        const y = dequantize(q, lp.scales.get(lp.output)!);
        expect(cosine(y, await ortRun(bytes, x, [1, ...shape]))).to.be.at.least(0.999);
      }
    });
  }

  it("the activation tables hold fn(s_in · x) to half an output step at every input code (SE net, MobileNetV3)", () => {
    let checked = 0;
    for (const bytes of [seNet(), mobileNetV3Small(32)]) {
      const lp = runFront(graphOf(bytes), { mode: "dense", dtype: "int8", hw: HW8 });
      for (const l of lp.layers.filter((x): x is ActLayer => x.kind === "act")) {
        const sIn = lp.scales.get(l.inputs[0]!)!;
        const sOut = lp.scales.get(l.output)!;
        for (let x = -127; x <= 127; x++) {
          const want = activate(l.fn, sIn * x, l.alpha, l.beta) / sOut;
          const got = l.q!.lut[x + 128]!;
          // Outside ±127 the output saturates; inside, the table rounds to nearest.
          if (Math.abs(want) < 127) expect(Math.abs(got - want), `${l.name} x=${x}`).to.be.at.most(0.5 + 1e-9);
          else expect(got).to.equal(Math.sign(want) * 127);
          checked++;
        }
      }
    }
    expect(checked).to.be.above(20 * 255);
  });

  it("a concat is placement: every input has the output's scale, and nested concats are one layer", () => {
    const lp = runFront(graphOf(fusionNet()), { mode: "dense", dtype: "int8", hw: HW8 });
    const cats = lp.layers.filter((l) => l.kind === "concat");
    expect(cats).to.have.length(1);
    expect(cats[0]!.inputs).to.have.length(5);
    for (const t of cats[0]!.inputs) expect(lp.scales.get(t)).to.equal(lp.scales.get(cats[0]!.output));
  });

  it("fixed-point resize taps: weights sum to 2^11, within 2^-11 of the exact ones, exact for half_pixel at ×2 and ×4", () => {
    const layer = (mode: ResizeLayer["mode"], coord: ResizeLayer["coord"]) => ({ mode, coord }) as ResizeLayer;
    for (const mode of ["nearest", "bilinear"] as const)
      for (const coord of ["half_pixel", "align_corners", "asymmetric"] as const)
        for (const [n, s] of [
          [5, 2],
          [3, 3],
          [4, 4],
          [1, 8],
        ] as const) {
          const fixed = fixedPointTaps(layer(mode, coord), n, s);
          const exact = Array.from({ length: n * s }, (_, o) => exactTap(mode, coord, o, n, s));
          fixed.forEach((t, o) => {
            const e = exact[o]!;
            expect(t.w0 + t.w1).to.equal(2048);
            expect([t.i0, t.i1]).to.deep.equal([e.i0, e.i1]);
            expect(Math.abs(t.w1 / 2048 - e.w1), `${mode} ${coord} n=${n} s=${s} o=${o}`).to.be.below(2 ** -11);
            if (coord === "half_pixel" && (s === 2 || s === 4)) expect(t.w1 / 2048).to.equal(e.w1);
          });
        }
  });

  it("compiling a network with a new layer kind is an InputError naming the layer, until the back end lowers it", () => {
    const hw = resolveHw({ preset: "tiny" });
    let err: unknown;
    try {
      compile(graphOf(seNet()), hw, { mode: "dense", dtype: "fp32" });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(InputError);
    expect((err as Error).message).to.match(/^layer '.+' \(act\): the compiler back end does not lower activation/);
  });

  it("the front half of every kind passes the layer verifier in int8 and fp32", () => {
    const kinds = new Set<string>();
    for (const [, build] of NETS)
      for (const dtype of ["int8", "fp32"] as const) {
        const lp: FrontProgram = runFront(graphOf(build()), { mode: "dense", dtype, hw: HW8 });
        for (const l of lp.layers) kinds.add(l.kind);
      }
    for (const k of ["act", "mul", "concat", "resize"]) expect(kinds).to.include(k);
  });
});
