// The graph executor against independent references: the float64 conv/sum-pool/FC loops of
// models/structure/decompose.ts, PyTorch golden vectors, and small cases worked out by hand.

import { expect } from "chai";
import { executeGraph } from "../../models/execute.js";
import { shapesForInput } from "../../models/shapes.js";
import type { Graph, Node, Shape } from "../../models/ir.js";
import { conv2dRef, fcRef, pad2d, sumPool3d } from "../../models/structure/decompose.js";
import { rngFromString, type Rng } from "../../models/rng.js";
import { InputError } from "../../isa/errors.js";
import { cifarResNet, type NodeSpec } from "./graph-builders.js";
import { initGraphWeights } from "../../models/weights.js";
import { goldenConv } from "../fixtures/golden.js";

function normals32(rng: Rng, len: number): Float32Array {
  const a = new Float32Array(len);
  for (let i = 0; i < len; i++) a[i] = rng.normal();
  return a;
}

/** A graph of one node reading "x" of the given shape. */
function single(spec: NodeSpec, inputShape: Shape, extraInputs: string[] = []): Graph {
  const node = { ...spec, name: "n", output: "y" } as Node;
  const g: Graph = {
    name: "single",
    input: { name: "x", shape: inputShape },
    output: "y",
    nodes: [node],
    shapes: new Map(),
  };
  if (extraInputs.length) return g;
  return { ...g, shapes: shapesForInput(g, inputShape) };
}

function run(spec: NodeSpec, shape: Shape, x: ArrayLike<number>): Float32Array {
  return executeGraph(single(spec, shape), Float32Array.from(x)).get("y")!;
}

function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).to.equal(b.length);
  let e = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    e = Math.max(e, Math.abs(a[i]! - b[i]!));
    s = Math.max(s, Math.abs(b[i]!));
  }
  // An output made only of padding is all zeros in both.
  return e === 0 ? 0 : e / s;
}

describe("executeGraph", () => {
  it("conv agrees with conv2dRef over random stride, asymmetric pads, dilation, groups and bias", () => {
    const rng = rngFromString("exec-conv");
    for (let t = 0; t < 25; t++) {
      const groups = [1, 1, 2, 4][rng.int(4)]!;
      const cin = groups * (1 + rng.int(3));
      const cout = groups * (1 + rng.int(3));
      const k = 1 + rng.int(5);
      const d = 1 + rng.int(2);
      const stride = 1 + rng.int(3);
      const pads = [rng.int(3), rng.int(3), rng.int(3), rng.int(3)] as const;
      const H = d * (k - 1) + 1 + rng.int(7);
      const W = d * (k - 1) + 1 + rng.int(7);
      const weight = normals32(rng, cout * (cin / groups) * k * k);
      const bias = rng.next() < 0.5 ? normals32(rng, cout) : null;
      const x = normals32(rng, cin * H * W);
      const spec: NodeSpec = {
        op: "conv",
        inputs: ["x"],
        cin,
        cout,
        kh: k,
        kw: k,
        stride,
        pads,
        dilation: d,
        groups,
        weight,
        bias,
      };
      const g = single(spec, [cin, H, W]);
      const ref = conv2dRef(
        x,
        weight,
        cout,
        cin,
        k,
        { height: H, width: W, stride, pad: pads, dilation: d, groups },
        bias ?? undefined,
      );
      expect(g.shapes.get("y")).to.deep.equal(ref.shape);
      expect(maxRel(executeGraph(g, x).get("y")!, ref.y)).to.be.below(1e-6);
    }
  });

  it("a decomposed graph (pad → sumpool → conv with alpha) reproduces PyTorch's golden y, as does the dense conv", () => {
    const cases = goldenConv();
    for (const g of cases) {
      const p = g.pad;
      const pads = [p, p, p, p] as const;
      const common = { name: "golden", input: { name: "x", shape: [g.Cin, g.H, g.W] }, output: "y", shapes: new Map() };
      const decomposed: Graph = {
        ...common,
        nodes: [
          { op: "pad", name: "pad", inputs: ["x"], output: "xp", pads },
          {
            op: "sumpool",
            name: "sp",
            inputs: ["xp"],
            output: "e",
            kc: g.Cin - g.c + 1,
            kh: g.N - g.n + 1,
            kw: g.N - g.n + 1,
            dilation: g.dilation,
          },
          {
            op: "conv",
            name: "mac",
            inputs: ["e"],
            output: "y",
            cin: g.c,
            cout: g.Cout,
            kh: g.n,
            kw: g.n,
            stride: g.stride,
            pads: [0, 0, 0, 0],
            dilation: g.dilation,
            groups: 1,
            weight: Float32Array.from(g.alpha),
            bias: null,
          },
        ],
      };
      const dense: Graph = {
        ...common,
        nodes: [
          {
            op: "conv",
            name: "conv",
            inputs: ["x"],
            output: "y",
            cin: g.Cin,
            cout: g.Cout,
            kh: g.N,
            kw: g.N,
            stride: g.stride,
            pads,
            dilation: g.dilation,
            groups: 1,
            weight: Float32Array.from(g.weight),
            bias: null,
          },
        ],
      };
      const x = Float32Array.from(g.x);
      expect(maxRel(executeGraph(decomposed, x).get("y")!, g.y), g.id).to.be.below(1e-5);
      expect(maxRel(executeGraph(dense, x).get("y")!, g.y), g.id).to.be.below(1e-5);
    }
  });

  it("maxpool ignores padding (negative inputs), avgpool counts or excludes it", () => {
    const x = Array.from({ length: 16 }, (_, i) => -1 - i);
    expect(Array.from(run({ op: "maxpool", inputs: ["x"], k: 3, stride: 2, pad: 1 }, [1, 4, 4], x))).to.deep.equal([
      -1, -2, -5, -6,
    ]);
    const y = [1, 2, 3, 4];
    expect(
      Array.from(run({ op: "avgpool", inputs: ["x"], k: 2, stride: 2, pad: 1, countIncludePad: true }, [1, 2, 2], y)),
    ).to.deep.equal([0.25, 0.5, 0.75, 1]);
    expect(
      Array.from(run({ op: "avgpool", inputs: ["x"], k: 2, stride: 2, pad: 1, countIncludePad: false }, [1, 2, 2], y)),
    ).to.deep.equal([1, 2, 3, 4]);
    // 3×3 average over a 3×3 map without padding: the mean of 1..9.
    expect(
      Array.from(
        run({ op: "avgpool", inputs: ["x"], k: 3, stride: 1, pad: 0 }, [1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]),
      ),
    ).to.deep.equal([5]);
  });

  it("shortcutA subsamples and zero-pads channels, `before` zeros first", () => {
    const x = Array.from({ length: 2 * 3 * 3 }, (_, i) => i + 1);
    const y = run({ op: "shortcutA", inputs: ["x"], stride: 2, before: 1, cout: 4 }, [2, 3, 3], x);
    expect(Array.from(y)).to.deep.equal([0, 0, 0, 0, 1, 3, 7, 9, 10, 12, 16, 18, 0, 0, 0, 0]);
  });

  it("bn, relu, clip, gap, flatten, fc, add", () => {
    const x = [-2, -1, 0.5, 3, 7, -8];
    expect(
      Array.from(
        run(
          { op: "bn", inputs: ["x"], channels: 2, scale: Float32Array.of(2, -1), shift: Float32Array.of(1, 0.5) },
          [2, 1, 3],
          x,
        ),
      ),
    ).to.deep.equal([-3, -1, 2, -2.5, -6.5, 8.5]);
    expect(Array.from(run({ op: "relu", inputs: ["x"] }, [6], x))).to.deep.equal([0, 0, 0.5, 3, 7, 0]);
    expect(Array.from(run({ op: "clip", inputs: ["x"], lo: 0, hi: 6 }, [6], x))).to.deep.equal([0, 0, 0.5, 3, 6, 0]);
    expect(Array.from(run({ op: "gap", inputs: ["x"] }, [2, 1, 3], x))).to.deep.equal(
      [-2.5 / 3, 2 / 3].map(Math.fround),
    );
    expect(Array.from(run({ op: "flatten", inputs: ["x"] }, [2, 1, 3], x))).to.deep.equal(x);
    const rng = rngFromString("fc");
    const w = normals32(rng, 4 * 6);
    const b = normals32(rng, 4);
    const fc = run({ op: "fc", inputs: ["x"], P: 4, Q: 6, weight: w, bias: b }, [6, 1, 1], x);
    expect(maxRel(fc, fcRef(x, w, 4, 6, b))).to.be.below(1e-6);
    const add: Graph = {
      name: "add",
      input: { name: "x", shape: [6] },
      output: "z",
      shapes: new Map(),
      nodes: [
        { op: "relu", name: "r", inputs: ["x"], output: "r" },
        { op: "add", name: "a", inputs: ["x", "r"], output: "z" },
      ],
    };
    expect(Array.from(executeGraph(add, Float32Array.from(x)).get("z")!)).to.deep.equal([-2, -1, 1, 6, 14, -8]);
  });

  it("sumpool and pad agree with the float64 references", () => {
    const rng = rngFromString("sp");
    const x = normals32(rng, 5 * 7 * 6);
    const sp = run({ op: "sumpool", inputs: ["x"], kc: 3, kh: 2, kw: 3, dilation: 2 }, [5, 7, 6], x);
    expect(maxRel(sp, sumPool3d(x, 5, 7, 6, 3, 2, 3, 2).y)).to.be.below(1e-6);
    const pd = run({ op: "pad", inputs: ["x"], pads: [1, 2, 0, 3] }, [5, 7, 6], x);
    expect(Array.from(pd)).to.deep.equal(Array.from(Float32Array.from(pad2d(x, 5, 7, 6, [1, 2, 0, 3]).y)));
  });

  it("reports every tensor in order through onTensor, and runs at another input size via opts.shapes", () => {
    const g = initGraphWeights(cifarResNet(8), "exec-callback");
    const seen: string[] = [];
    const x = normals32(rngFromString("in"), 3 * 32 * 32);
    const all = executeGraph(g, x, {
      onTensor: (name, data, shape) => (
        seen.push(name),
        expect(data.length).to.equal(shape.reduce((a, b) => a * b, 1))
      ),
    });
    expect(seen).to.deep.equal([g.input.name, ...g.nodes.map((n) => n.output)]);
    expect(all.get(g.output)).to.have.length(10);
    const small = executeGraph(g, normals32(rngFromString("in"), 3 * 16 * 16), {
      shapes: new Map([[g.input.name, [3, 16, 16]]]),
    });
    expect(small.get(g.nodes.find((n) => n.op === "gap")!.inputs[0]!)).to.have.length(64 * 4 * 4);
  });

  it("bad input is an InputError naming the problem", () => {
    const g = cifarResNet(8);
    expect(() => executeGraph(g, new Float32Array(5))).to.throw(InputError, /expects \[3, 32, 32\]/);
    expect(() => executeGraph(g, new Float32Array(3 * 32 * 32))).to.throw(
      InputError,
      /node conv_0 \(conv\): has no weights/,
    );
  });

  it("runs a whole ResNet-20 at 32×32 to finite logits, deterministically", () => {
    const g = initGraphWeights(cifarResNet(20), "exec-speed");
    const x = normals32(rngFromString("speed-in"), 3 * 32 * 32);
    const a = executeGraph(g, x).get(g.output)!;
    const b = executeGraph(g, x).get(g.output)!;
    expect(a.length).to.equal(10);
    expect(a.every(Number.isFinite)).to.equal(true);
    expect(Array.from(b)).to.deep.equal(Array.from(a));
  });
});
