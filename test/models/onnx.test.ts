import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../../isa/errors.js";
import { executeGraph } from "../../models/execute.js";
import type { Graph, Node } from "../../models/ir.js";
import { loadOnnx, requireWeights } from "../../models/onnx/load.js";
import { ModelProto, type ModelProtoObj } from "../../models/onnx/schema.js";
import { verifyGraph } from "../../models/shapes.js";
import {
  attr,
  buildModel,
  decomposedConvModel,
  floatTensor,
  int64Tensor,
  values,
  INT8,
  FLOAT,
  type TensorSpec,
} from "./onnx-builders.js";
import { ortRun } from "./ort.js";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/onnx");
const fixture = (name: string) => path.join(FIXTURES, name);
const readFile = (p: string): Uint8Array | null => (fs.existsSync(p) ? fs.readFileSync(p) : null);
const load = (name: string, weights?: "file" | "random" | "none") =>
  loadOnnx(fs.readFileSync(fixture(name)), { path: fixture(name), readFile, ...(weights ? { weights } : {}) });
const f32 = (name: string) => {
  const b = fs.readFileSync(fixture(name));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

/** Runs the IR on each image of a batch and concatenates the outputs. */
function runBatch(g: Graph, x: Float32Array, batch: number): Float32Array {
  const per = x.length / batch;
  const outs = Array.from({ length: batch }, (_, b) =>
    executeGraph(g, x.subarray(b * per, (b + 1) * per)).get(g.output)!,
  );
  const y = new Float32Array(outs.reduce((s, o) => s + o.length, 0));
  outs.forEach((o, b) => y.set(o, b * o.length));
  return y;
}

/** Dense MACs, written out from the definition: conv K·Cout·H′W′ (K = Cin/groups·kh·kw), fc P·Q. */
function denseMacs(g: Graph): number {
  let macs = 0;
  for (const n of g.nodes) {
    if (n.op === "conv") {
      const [, H, W] = g.shapes.get(n.output)!;
      macs += (n.cin / n.groups) * n.kh * n.kw * n.cout * H! * W!;
    } else if (n.op === "fc") macs += n.P * n.Q;
  }
  return macs;
}

const count = (g: Graph, op: Node["op"]) => g.nodes.filter((n) => n.op === op).length;

describe("ONNX frontend: real PyTorch exports", function () {
  this.timeout(30_000);

  describe("CIFAR ResNet-20 (structured, option-A shortcuts)", () => {
    const g = load("cifar_resnet20_struct_mixed.onnx");
    const x = f32("cifar_resnet20_struct_mixed.input.f32");
    const ortOut = f32("cifar_resnet20_struct_mixed.ort_out.f32");

    it("imports to a verified IR: 19 convs + fc, option-A shortcuts as shortcutA, Gemm as flatten + fc", () => {
      verifyGraph(g);
      expect(count(g, "conv")).to.equal(19);
      expect(count(g, "fc")).to.equal(1);
      expect(count(g, "add")).to.equal(9);
      const shortcuts = g.nodes.filter((n) => n.op === "shortcutA");
      expect(shortcuts.map((n) => n.op === "shortcutA" && [n.stride, n.before, n.cout])).to.deep.equal([
        [2, 8, 32],
        [2, 16, 64],
      ]);
      expect(g.nodes.map((n) => n.op).slice(-3)).to.deep.equal(["gap", "flatten", "fc"]);
      expect(g.input.shape).to.deep.equal([3, 32, 32]);
      expect(g.shapes.get(g.output)).to.deep.equal([10]);
      expect(g.missingWeights).to.equal(undefined);
    });

    it("names layers by the PyTorch module path", () => {
      const meta = JSON.parse(fs.readFileSync(fixture("cifar_resnet20_struct_mixed.meta.json"), "utf8")) as {
        layers: { layer: string }[];
      };
      const names = g.nodes.filter((n) => n.op === "conv" || n.op === "fc").map((n) => n.name);
      expect(names).to.deep.equal(meta.layers.map((l) => l.layer));
    });

    it("executeGraph on the imported graph matches ONNX Runtime's stored logits within 1e-4 relative", () => {
      const y = runBatch(g, x, 2);
      expect(y.length).to.equal(ortOut.length);
      const scale = maxAbs(ortOut);
      for (let i = 0; i < y.length; i++) expect(Math.abs(y[i]! - ortOut[i]!)).to.be.at.most(1e-4 * scale);
    });

    it("onnxruntime-node on the same file gives the stored logits", async () => {
      const bytes = fs.readFileSync(fixture("cifar_resnet20_struct_mixed.onnx"));
      for (let b = 0; b < 2; b++) {
        const y = await ortRun(bytes, x.slice(b * 3072, (b + 1) * 3072), [1, 3, 32, 32]);
        const ref = ortOut.subarray(b * 10, (b + 1) * 10);
        for (let i = 0; i < 10; i++) expect(y[i]).to.be.closeTo(ref[i]!, 1e-5 * maxAbs(ref));
      }
    });
  });

  describe("QDQ model (onnxruntime quantize_static)", () => {
    const g = load("cifar_resnet20_struct_mixed.qdq.onnx");

    it("removes every Q/DQ, dequantises int8 weights, records activation scales and zero points", () => {
      verifyGraph(g);
      expect(count(g, "conv")).to.equal(19);
      expect(count(g, "fc")).to.equal(1);
      expect(g.quant).to.not.equal(undefined);
      // The input is quantised; its recorded parameters are those of the file's input_scale initializer.
      const file = ModelProto.toObject(
        ModelProto.decode(fs.readFileSync(fixture("cifar_resnet20_struct_mixed.qdq.onnx"))),
        {
          longs: Number,
        },
      ) as ModelProtoObj;
      const init = (name: string) => file.graph!.initializer!.find((t) => t.name === name)!;
      const inputScale = init("input_scale");
      const scale =
        inputScale.floatData?.[0] ??
        new DataView(inputScale.rawData!.buffer, inputScale.rawData!.byteOffset).getFloat32(0, true);
      expect(g.quant!.get("input")!.scale).to.equal(Math.fround(scale));
      for (const q of g.quant!.values()) {
        expect(q.scale).to.be.greaterThan(0);
        expect(q.zeroPoint).to.be.within(-128, 127);
      }
      // Weights of the first conv: DequantizeLinear of the int8 initializer, per output channel.
      const qw = init("onnx::Conv_275_quantized");
      const ws = init("onnx::Conv_275_scale");
      const conv1 = g.nodes.find((n) => n.name === "conv1")!;
      expect(conv1.op).to.equal("conv");
      const w = conv1.op === "conv" ? conv1.weight! : new Float32Array();
      const raw = Int8Array.from(qw.rawData!);
      for (const i of [0, 26, 27, 431])
        expect(w[i]).to.equal(Math.fround(raw[i]! * ws.floatData![Math.floor(i / 27)]!));
      const fp = load("cifar_resnet20_struct_mixed.onnx").nodes.find((n) => n.name === "conv1");
      const wf = fp?.op === "conv" ? fp.weight! : new Float32Array();
      expect(cosine(w, wf)).to.be.greaterThan(0.999);
    });

    it("restores the ReLUs that the quantiser folded into Q (zero point at the type's minimum)", () => {
      // The float model has 19 ReLUs (one per conv1 of a block plus one per block output and the stem).
      expect(count(g, "relu")).to.equal(count(load("cifar_resnet20_struct_mixed.onnx"), "relu"));
    });

    it("executeGraph with the dequantised weights is within cosine 0.99 of ONNX Runtime's QDQ output", () => {
      const x = f32("cifar_resnet20_struct_mixed.input.f32");
      const y = runBatch(g, x, 2);
      const ref = f32("cifar_resnet20_struct_mixed.qdq.ort_out.f32");
      expect(cosine(y, ref)).to.be.at.least(0.99);
      for (let b = 0; b < 2; b++)
        expect(cosine(y.subarray(b * 10, b * 10 + 10), ref.subarray(b * 10, b * 10 + 10))).to.be.at.least(0.99);
    });
  });

  describe("torchvision graphs without their external data", () => {
    const meta = JSON.parse(fs.readFileSync(fixture("torchvision.meta.json"), "utf8")) as Record<
      string,
      { onnx_ops: string[]; nodes: number; initializer_params: number }
    >;
    // Dense MACs at 224×224 (torchvision's published GFLOPs ×1e9 rounded: 1.81, 3.66, 4.09, 0.30).
    const expected: [string, string, number][] = [
      ["resnet18.onnx", "resnet18", 1_814_073_344],
      ["resnet34.onnx", "resnet34", 3_663_761_408],
      ["resnet50.onnx", "resnet50", 4_089_184_256],
      ["mobilenet_v2.onnx", "mobilenet_v2", 300_774_272],
    ];
    for (const [file, key, macs] of expected) {
      it(`${key}: imports shape-only, exact dense MACs ${macs.toLocaleString("en")}, node counts agree with the export`, () => {
        const g = load(file);
        verifyGraph(g);
        expect(g.missingWeights).to.deep.equal({ model: fixture(file), dataFile: `${file}.data` });
        expect(g.nodes.every((n) => (n.op !== "conv" && n.op !== "fc") || n.weight === null)).to.equal(true);
        expect(denseMacs(g)).to.equal(macs);

        const m = meta[key]!;
        const decoded = ModelProto.toObject(ModelProto.decode(fs.readFileSync(fixture(file))), {
          longs: Number,
        }) as ModelProtoObj;
        const nodes = decoded.graph!.node!;
        expect(nodes.length).to.equal(m.nodes);
        expect([...new Set(nodes.map((n) => n.opType))].sort()).to.deep.equal(m.onnx_ops);
        const params = decoded.graph!.initializer!.reduce((s, t) => s + (t.dims ?? []).reduce((a, b) => a * b, 1), 0);
        expect(params).to.equal(m.initializer_params);
        const onnxCount = (op: string) => nodes.filter((n) => n.opType === op).length;
        // One IR node per compute op; Identity and Constant disappear (aliases and folded Clip bounds).
        expect(count(g, "conv")).to.equal(onnxCount("Conv"));
        expect(count(g, "fc")).to.equal(onnxCount("Gemm"));
        expect(count(g, "add")).to.equal(onnxCount("Add"));
        expect(count(g, "relu")).to.equal(onnxCount("Relu"));
        expect(count(g, "clip")).to.equal(onnxCount("Clip"));
        expect(count(g, "maxpool")).to.equal(onnxCount("MaxPool"));
        expect(g.nodes.length).to.equal(m.nodes - onnxCount("Identity") - onnxCount("Constant"));
      });
    }

    it("MobileNetV2's Clip bounds come from Constant inputs: ReLU6", () => {
      const clips = load("mobilenet_v2.onnx").nodes.filter((n) => n.op === "clip");
      expect(clips.length).to.equal(35);
      for (const c of clips) expect(c.op === "clip" && [c.lo, c.hi]).to.deep.equal([0, 6]);
    });

    it("a functional request without the data file is one clear InputError; --weights random fills seeded weights", () => {
      const g = load("resnet18.onnx");
      const e = errorOf(() => requireWeights(g));
      expect(e.message).to.equal(
        `${fixture("resnet18.onnx")}: weights are in 'resnet18.onnx.data', which is missing; use --weights random to run with seeded random weights`,
      );
      expect(e.message).to.not.contain("\n");
      const r = load("resnet18.onnx", "random");
      expect(r.randomWeights).to.equal(true);
      expect(() => requireWeights(r)).to.not.throw();
      const first = r.nodes.find((n) => n.op === "conv");
      const again = load("resnet18.onnx", "random").nodes.find((n) => n.op === "conv");
      expect(first?.op === "conv" && Array.from(first.weight!.subarray(0, 8))).to.deep.equal(
        again?.op === "conv" && Array.from(again.weight!.subarray(0, 8)),
      );
    });
  });
});

describe("ONNX frontend: reader and errors", () => {
  const bytes = fs.readFileSync(fixture("cifar_resnet20_struct_mixed.onnx"));
  const tryLoad = (b: Uint8Array, p = "bad.onnx") => errorOf(() => loadOnnx(b, { path: p, readFile }));

  it("truncated, empty and random-byte files: one line naming the file", () => {
    const cases: [string, Uint8Array][] = [
      ["truncated", bytes.subarray(0, 40_000)],
      ["truncated near the end", bytes.subarray(0, bytes.length - 7)],
      ["empty", new Uint8Array(0)],
      ["random bytes", Uint8Array.from(values(4096, 7), (v) => Math.floor((v + 1) * 128))],
      ["text", new TextEncoder().encode("this is not a model\n")],
    ];
    for (const [label, b] of cases) {
      const e = tryLoad(b, `${label}.onnx`);
      expect(e.message, label).to.match(new RegExp(`^${label}\\.onnx: `));
      expect(e.message, label).to.not.contain("\n");
      expect(e.message, label).to.not.match(/at .*\.ts:/);
    }
  });

  it("an op outside the supported set names the node and the op", () => {
    const model = buildModel({
      nodes: [
        { op: "Relu", name: "r0", inputs: ["x"], outputs: ["a"] },
        { op: "Softmax", name: "my_softmax", inputs: ["a"], outputs: ["y"], attrs: [attr.int("axis", 1)] },
      ],
      initializers: [],
      input: { name: "x", dims: [1, 4] },
      output: { name: "y", dims: [1, 4] },
    });
    const e = tryLoad(model, "soft.onnx");
    expect(e.message).to.equal("soft.onnx: node 'my_softmax' has op type 'Softmax', which sumac does not support");
  });

  it("an opset outside 11–21 is refused", () => {
    const model = buildModel({
      nodes: [{ op: "Relu", name: "r0", inputs: ["x"], outputs: ["y"] }],
      initializers: [],
      input: { name: "x", dims: [1, 4] },
      output: { name: "y", dims: [1, 4] },
      opset: 9,
    });
    expect(tryLoad(model, "old.onnx").message).to.equal(
      "old.onnx: opset 9 is not supported (sumac reads opsets 11–21)",
    );
  });

  it("dequantises int8 initializers given as int32_data with a raw_data zero point", () => {
    const model = buildModel({
      nodes: [
        { op: "DequantizeLinear", name: "dq", inputs: ["Q8", "qs", "qz"], outputs: ["Wf"] },
        { op: "Gemm", name: "/head/Gemm", inputs: ["x", "Wf"], outputs: ["y"], attrs: [attr.int("transB", 1)] },
      ],
      initializers: [
        { name: "Q8", dims: [2, 3], dataType: INT8, int32Data: [1, -2, 3, -128, 127, 0] },
        { name: "qs", dims: [], dataType: FLOAT, floatData: [0.5] },
        { name: "qz", dims: [], dataType: INT8, rawData: new Uint8Array([2]) },
      ],
      input: { name: "x", dims: [1, 3] },
      output: { name: "y", dims: [1, 2] },
    });
    const g = loadOnnx(model, { path: "q.onnx", readFile });
    const fc = g.nodes[0]!;
    expect(fc.name).to.equal("head");
    // (q − 2) · 0.5, by hand.
    expect(fc.op === "fc" && Array.from(fc.weight!)).to.deep.equal([-0.5, -2, 0.5, -65, 62.5, -1]);
  });

  it("reads float_data, raw_data and external data with offsets next to the model", () => {
    const W = values(2 * 3 * 3 * 3, 5);
    const B = values(2, 6);
    // External file: 16 junk bytes, then W as float32 LE, then the bias.
    const data = new Uint8Array(16 + W.length * 4 + 8);
    new Float32Array(data.buffer, 16, W.length).set(W);
    new Float32Array(data.buffer, 16 + W.length * 4, 2).set(B);
    const ext = (offset: number, length: number): TensorSpec["externalData"] => [
      { key: "location", value: "w.bin" },
      { key: "offset", value: String(offset) },
      { key: "length", value: String(length) },
    ];
    const model = buildModel({
      nodes: [
        {
          op: "Conv",
          name: "/block/conv/Conv",
          inputs: ["x", "W", "B"],
          outputs: ["c"],
          attrs: [attr.ints("pads", [1, 1, 1, 1])],
        },
        { op: "Flatten", name: "flat", inputs: ["c"], outputs: ["f"] },
        { op: "MatMul", name: "head.mm", inputs: ["f", "Wt"], outputs: ["m"] },
        { op: "Add", name: "head.add", inputs: ["m", "bias"], outputs: ["y"] },
      ],
      initializers: [
        { name: "W", dims: [2, 3, 3, 3], dataType: FLOAT, externalData: ext(16, W.length * 4), dataLocation: 1 },
        { name: "B", dims: [2], dataType: FLOAT, externalData: ext(16 + W.length * 4, 8), dataLocation: 1 },
        {
          name: "Wt",
          dims: [32, 3],
          dataType: FLOAT,
          rawData: new Uint8Array(Float32Array.from(values(96, 8)).buffer),
        },
        floatTensor("bias", [3], [10, 20, 30]),
      ],
      input: { name: "x", dims: [1, 3, 4, 4] },
      output: { name: "y", dims: [1, 3] },
    });
    const files = new Map<string, Uint8Array>([["models/w.bin", data]]);
    const g = loadOnnx(model, { path: "models/tiny.onnx", readFile: (p) => files.get(p) ?? null });
    const conv = g.nodes.find((n) => n.op === "conv");
    expect(conv?.name).to.equal("block.conv");
    expect(conv?.op === "conv" && Array.from(conv.weight!)).to.deep.equal(Array.from(W));
    expect(conv?.op === "conv" && Array.from(conv.bias!)).to.deep.equal(Array.from(B));
    const fc = g.nodes.find((n) => n.op === "fc");
    // MatMul + Add → one fc with W transposed and the bias folded in.
    expect(fc?.op === "fc" && [fc.P, fc.Q, Array.from(fc.bias!)]).to.deep.equal([3, 32, [10, 20, 30]]);
    const Wt = values(96, 8);
    expect(fc?.op === "fc" && fc.weight![1 * 32 + 5]).to.equal(Wt[5 * 3 + 1]);
    expect(g.output).to.equal(fc?.output);
    expect(g.nodes.map((n) => n.op)).to.deep.equal(["conv", "flatten", "fc"]);

    const gone = loadOnnx(model, { path: "models/tiny.onnx", readFile: () => null });
    expect(gone.missingWeights).to.deep.equal({ model: "models/tiny.onnx", dataFile: "w.bin" });
    const short = new Map<string, Uint8Array>([["models/w.bin", data.subarray(0, 40)]]);
    const e = errorOf(() => loadOnnx(model, { path: "models/tiny.onnx", readFile: (p) => short.get(p) ?? null }));
    expect(e.message).to.match(
      /^models\/tiny\.onnx: initializer 'W': external data range offset=16 length=216 is outside 'w\.bin' \(40 bytes\)$/,
    );
  });
});

describe("ONNX frontend: an already-decomposed structured conv", function () {
  this.timeout(30_000);
  const { model, C, c, n, cout, win, alpha } = decomposedConvModel();

  it("imports as pad + sumpool + conv with the window and α unchanged", () => {
    const g = loadOnnx(model, { path: "decomposed.onnx", readFile });
    verifyGraph(g);
    expect(g.nodes.map((x) => x.op)).to.deep.equal(["pad", "sumpool", "conv"]);
    const [pad, pool, conv] = g.nodes as [Node, Node, Node];
    expect(pad.op === "pad" && pad.pads).to.deep.equal([1, 1, 1, 1]);
    expect(pool.op === "sumpool" && [pool.kc, pool.kh, pool.kw, pool.dilation]).to.deep.equal([C - c + 1, 2, 2, 1]);
    expect(conv.op === "conv" && [conv.cin, conv.cout, conv.kh, conv.pads]).to.deep.equal([c, cout, n, [0, 0, 0, 0]]);
    // The Mul cancelled the average's 1/volume exactly: α is the file's α.
    const w = conv.op === "conv" ? conv.weight! : new Float32Array();
    for (let i = 0; i < w.length; i++) expect(w[i]).to.be.closeTo(alpha[i]!, 1e-6 * Math.abs(alpha[i]!) + 1e-12);
    expect(g.shapes.get(g.output)).to.deep.equal([cout, 7, 7]);
  });

  it("ONNX Runtime and executeGraph agree on it", async () => {
    const g = loadOnnx(model, { path: "decomposed.onnx", readFile });
    const x = values(C * 49, 13);
    const ref = await ortRun(model, x, [1, C, 7, 7]);
    const y = executeGraph(g, x).get(g.output)!;
    expect(y.length).to.equal(ref.length);
    const scale = maxAbs(ref);
    for (let i = 0; i < y.length; i++) expect(Math.abs(y[i]! - ref[i]!)).to.be.at.most(1e-5 * scale);
  });

  it("without the Mul, the average's 1/volume is folded into the conv (still equal to ORT)", async () => {
    const noMul = buildModel({
      nodes: [
        { op: "Pad", name: "p", inputs: ["x", "pads"], outputs: ["xp"] },
        { op: "Unsqueeze", name: "u", inputs: ["xp", "ax1"], outputs: ["x5"] },
        { op: "AveragePool", name: "avg3d", inputs: ["x5"], outputs: ["avg"], attrs: [attr.ints("kernel_shape", win)] },
        { op: "Squeeze", name: "s", inputs: ["avg", "ax1"], outputs: ["E"] },
        { op: "Conv", name: "cv", inputs: ["E", "alpha"], outputs: ["y"] },
      ],
      initializers: [
        int64Tensor("pads", [0, 0, 1, 1, 0, 0, 1, 1]),
        int64Tensor("ax1", [1]),
        floatTensor("alpha", [cout, c, n, n], alpha),
      ],
      input: { name: "x", dims: [1, C, 7, 7] },
      output: { name: "y", dims: [1, cout, 7, 7] },
    });
    const g = loadOnnx(noMul, { path: "avg.onnx", readFile });
    expect(g.nodes.map((x) => x.op)).to.deep.equal(["pad", "sumpool", "conv"]);
    const x = values(C * 49, 14);
    const ref = await ortRun(noMul, x, [1, C, 7, 7]);
    const y = executeGraph(g, x).get(g.output)!;
    for (let i = 0; i < y.length; i++) expect(Math.abs(y[i]! - ref[i]!)).to.be.at.most(1e-5 * maxAbs(ref));
  });

  it("a scalar Mul that no conv/fc can absorb is an error naming the Mul", () => {
    const dangling = buildModel({
      nodes: [
        { op: "Mul", name: "scale_me", inputs: ["x", "k"], outputs: ["m"] },
        { op: "Relu", name: "r", inputs: ["m"], outputs: ["y"] },
      ],
      initializers: [floatTensor("k", [], [3])],
      input: { name: "x", dims: [1, 2, 4, 4] },
      output: { name: "y", dims: [1, 2, 4, 4] },
    });
    const e = errorOf(() => loadOnnx(dangling, { path: "mul.onnx", readFile }));
    expect(e.message).to.match(
      /^mul\.onnx: node 'scale_me' multiplies by a constant \(×3\) that no following conv\/fc can absorb/,
    );
  });
});
