import { expect } from "chai";
import type { ConvLayer, FcLayer, LayerProgram } from "../../compiler/layers.js";
import { runFront } from "../../compiler/pipeline.js";
import { runFp32, runFp32Tensors } from "../../compiler/reference/fp32.js";
import { runInt8 } from "../../compiler/reference/int8.js";
import { executeGraph } from "../../models/execute.js";
import { HW16, HW8, normalImage, relErr, tinyResNet } from "./front-graphs.js";
import { goldenConv, goldenFc, type GoldenConv } from "../fixtures/golden.js";

const golden = { conv: goldenConv(), fc: goldenFc() };

function oneConv(g: GoldenConv, structured: boolean): LayerProgram {
  const layer: ConvLayer = {
    kind: "conv",
    name: g.id,
    inputs: ["x"],
    output: "y",
    inShape: [g.Cin, g.H, g.W],
    outShape: g.y_shape,
    clamp: { lo: -Infinity, hi: Infinity },
    cin: g.Cin,
    cout: g.Cout,
    kh: g.N,
    kw: g.N,
    stride: g.stride,
    pads: [g.pad, g.pad, g.pad, g.pad],
    dilation: g.dilation,
    groups: 1,
    weight: Float32Array.from(g.weight),
    bias: new Float32Array(g.Cout),
    ...(structured ? { structured: { c: g.c, n: g.n, residual: 0, alpha: Float32Array.from(g.alpha) } } : {}),
  };
  const shapes = new Map([
    ["x", layer.inShape],
    ["y", layer.outShape],
  ]);
  return {
    model: g.id,
    mode: structured ? "structured" : "dense",
    dtype: "fp32",
    input: { name: "x", shape: layer.inShape },
    output: "y",
    layers: [layer],
    scales: new Map(),
    shapes,
  };
}

describe("compiler/reference fp32", () => {
  for (const g of golden.conv)
    it(`PyTorch float64 golden ${g.id} (stride ${g.stride}, pad ${g.pad}, dilation ${g.dilation}, ${g.N}x${g.N} -> c=${g.c} n=${g.n}): sum-pool + alpha conv and dense conv`, () => {
      expect(relErr(runFp32(oneConv(g, true), g.x), g.y)).to.be.below(1e-5);
      expect(relErr(runFp32(oneConv(g, false), g.x), g.y)).to.be.below(1e-5);
    });

  for (const g of golden.fc)
    it(`PyTorch float64 golden ${g.id}: structured FC (R=${g.R}) as sum-pool + alpha gemm`, () => {
      const layer: FcLayer = {
        kind: "fc",
        name: g.id,
        inputs: ["x"],
        output: "y",
        inShape: [g.Q],
        outShape: [g.P],
        clamp: { lo: -Infinity, hi: Infinity },
        P: g.P,
        Q: g.Q,
        weight: Float32Array.from(g.weight),
        bias: new Float32Array(g.P),
        structured: { R: g.R, residual: 0, alpha: Float32Array.from(g.alpha) },
      };
      const lp: LayerProgram = {
        model: g.id,
        mode: "structured",
        dtype: "fp32",
        input: { name: "x", shape: [g.Q] },
        output: "y",
        layers: [layer],
        scales: new Map(),
        shapes: new Map([
          ["x", [g.Q]],
          ["y", [g.P]],
        ]),
      };
      expect(relErr(runFp32(lp, g.x), g.y)).to.be.below(1e-5);
    });

  for (const structuredWeights of [false, true])
    it(`equals models/execute executeGraph on a hand-made net (conv/bn/relu/clip/add/shortcutA/depthwise/maxpool/avgpool/gap/fc, ${structuredWeights ? "structured" : "dense"} weights)`, () => {
      const g = tinyResNet(structuredWeights);
      for (const mode of ["dense", "structured"] as const) {
        const lp = runFront(g, { mode, dtype: "fp32", hw: HW8 });
        for (const seed of [1, 2]) {
          const x = normalImage(3 * 8 * 8, seed);
          const want = executeGraph(g, x).get(g.output)!;
          expect(relErr(runFp32(lp, x), want), `${mode} seed ${seed}`).to.be.below(1e-5);
        }
      }
    });

  it("structured lowering (sum-pool + small conv) equals the dense fp32 result to 1e-5 on every tensor", () => {
    const g = tinyResNet(true);
    const dense = runFront(g, { mode: "dense", dtype: "fp32", hw: HW8 });
    const structured = runFront(g, { mode: "structured", dtype: "fp32", hw: HW8 });
    const lowered = structured.layers
      .filter((l) => (l.kind === "conv" || l.kind === "fc") && l.structured)
      .map((l) => l.name);
    expect(lowered).to.deep.equal(["conv1", "conv2", "conv3", "conv4", "conv5", "dw", "fc"]);
    const x = normalImage(3 * 8 * 8, 3);
    const a = runFp32Tensors(dense, x);
    const b = runFp32Tensors(structured, x);
    expect(a.size).to.equal(b.size);
    for (const [t, v] of a) expect(relErr(b.get(t)!.data, v.data), t).to.be.below(1e-5);
  });
});

// An independent int8 oracle for one structured conv layer: direct (not separable) window sums in BigInt,
// direct convolution, BigInt requant. Checks runInt8's pad -> E -> shift/saturate -> alpha conv -> requant.
function naiveStructuredInt8(l: ConvLayer, x: Int8Array): Int8Array {
  const q = l.q!;
  const s = l.structured!;
  const [C, H, W] = l.inShape as [number, number, number];
  const [t, lft] = l.pads;
  const Hp = H + l.pads[0] + l.pads[2];
  const Wp = W + l.pads[1] + l.pads[3];
  const at = (c: number, y: number, z: number): bigint => {
    const iy = y - t;
    const iz = z - lft;
    return iy < 0 || iy >= H || iz < 0 || iz >= W ? 0n : BigInt(x[(c * H + iy) * W + iz]!);
  };
  const kc = C - s.c + 1;
  const kk = l.kh - s.n + 1;
  const eh = Hp - (kk - 1) * l.dilation;
  const ew = Wp - (kk - 1) * l.dilation;
  const lim = (1n << BigInt(q.eBits! - 1)) - 1n;
  const E = (c: number, y: number, z: number): bigint => {
    let sum = 0n;
    for (let i = 0; i < kc; i++)
      for (let j = 0; j < kk; j++)
        for (let k = 0; k < kk; k++) sum += at(c + i, y + j * l.dilation, z + k * l.dilation);
    let e = q.eShift! === 0 ? sum : (sum + (1n << BigInt(q.eShift! - 1))) >> BigInt(q.eShift!);
    if (e > lim) e = lim;
    if (e < -lim - 1n) e = -lim - 1n;
    return e;
  };
  const [, oh, ow] = l.outShape as [number, number, number];
  const out = new Int8Array(l.cout * oh * ow);
  const r = q.requant;
  for (let o = 0; o < l.cout; o++)
    for (let y = 0; y < oh; y++)
      for (let z = 0; z < ow; z++) {
        let acc = 0n;
        for (let i = 0; i < s.c; i++)
          for (let j = 0; j < s.n; j++)
            for (let k = 0; k < s.n; k++) {
              const yy = y * l.stride + j * l.dilation;
              const zz = z * l.stride + k * l.dilation;
              if (yy >= eh || zz >= ew) throw new Error("out of E");
              acc += E(i, yy, zz) * BigInt(q.weight[((o * s.c + i) * s.n + j) * s.n + k]!);
            }
        const sh = BigInt(r.shift[o]!);
        const v = ((acc + BigInt(r.bias[o]!)) * BigInt(r.mult[o]!) + (sh > 0n ? 1n << (sh - 1n) : 0n)) >> sh;
        out[(o * oh + y) * ow + z] = Number(v < BigInt(r.lo) ? BigInt(r.lo) : v > BigInt(r.hi) ? BigInt(r.hi) : v);
      }
  return out;
}

describe("compiler/reference int8", () => {
  for (const ePolicy of [
    { kind: "narrow", bits: 8, range: "worst" },
    { kind: "narrow", bits: 8, range: "calibrated" },
    { kind: "narrow", bits: 16, range: "calibrated" },
    { kind: "exact" },
  ] as const)
    it(`structured conv layer equals a naive BigInt oracle (E ${ePolicy.kind === "exact" ? "exact" : `${ePolicy.bits} bits, ${ePolicy.range} range`})`, () => {
      const lp = runFront(tinyResNet(true), { mode: "structured", dtype: "int8", hw: HW16, ePolicy });
      // Each structured conv as a one-layer program, on int8 inputs spanning the full range.
      for (const l of lp.layers) {
        if (l.kind !== "conv" || !l.structured || l.groups !== 1) continue;
        const one: LayerProgram = {
          ...lp,
          input: { name: l.inputs[0]!, shape: l.inShape },
          output: l.output,
          layers: [l],
        };
        const n = l.inShape.reduce((a, b) => a * b, 1);
        const x = Int8Array.from({ length: n }, (_, i) => ((i * 7919) % 255) - 127);
        expect(Array.from(runInt8(one, x)), l.name).to.deep.equal(Array.from(naiveStructuredInt8(l, x)));
      }
    });

  it("is deterministic and stays within the layer clamps", () => {
    const lp = runFront(tinyResNet(false), { mode: "dense", dtype: "int8", hw: HW8 });
    const x = Int8Array.from({ length: 192 }, (_, i) => ((i * 31) % 201) - 100);
    const a = runInt8(lp, x);
    expect(Array.from(runInt8(lp, x))).to.deep.equal(Array.from(a));
    for (const v of a) expect(v).to.be.within(-127, 127);
  });
});
