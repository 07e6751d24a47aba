// Mutation fuzzing of every parser a user feeds: random byte flips, truncations and insertions of real inputs
// must either parse or fail with an InputError (one clear line) — never another exception, never a hang.
import { expect } from "chai";
import * as fs from "node:fs";
import { isInputError } from "../../isa/errors.js";
import { assemble } from "../../isa/asm/assemble.js";
import { decodeProgram } from "../../isa/decode.js";
import { resolveHw } from "../../isa/hw/config.js";
import { loadOnnx } from "../../models/onnx/load.js";
import { loadNet } from "../../models/net/load.js";
import { mulberry32 } from "../../models/rng.js";
import { modelProto } from "../../models/onnx/schema.js";

const rng = mulberry32(20201206);
const int = (n: number) => Math.floor(rng.next() * n);

function mutateBytes(src: Uint8Array): Uint8Array {
  const b = Uint8Array.from(src);
  switch (int(3)) {
    case 0: // flip a few bytes
      for (let k = 0, n = 1 + int(8); k < n; k++) b[int(b.length)] = int(256);
      return b;
    case 1: // truncate
      return b.slice(0, int(b.length));
    default: {
      // duplicate a slice somewhere else
      const at = int(b.length);
      const len = int(64);
      const out = new Uint8Array(b.length + len);
      out.set(b.subarray(0, at));
      out.set(b.subarray(at, at + len), at);
      out.set(b.subarray(at), at + Math.min(len, b.length - at));
      return out.slice(0, b.length + Math.min(len, b.length - at));
    }
  }
}

const TEXT_NOISE = [
  "(",
  ")",
  ",",
  "=",
  "[",
  "]",
  "{",
  "}",
  "0x",
  "-1",
  "999999999",
  ";",
  "\n",
  "@",
  ":",
  "..",
  '"',
  "x",
];
function mutateText(src: string): string {
  let s = src;
  for (let k = 0, n = 1 + int(4); k < n; k++) {
    const at = int(s.length + 1);
    const op = int(3);
    if (op === 0) s = s.slice(0, at) + TEXT_NOISE[int(TEXT_NOISE.length)]! + s.slice(at);
    else if (op === 1) s = s.slice(0, at) + s.slice(at + 1 + int(6));
    else s = s.slice(0, at);
  }
  return s;
}

/** Runs f; anything but success or an InputError fails the test with the input that caused it. */
function survives(what: string, f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!isInputError(e)) expect.fail(`${what}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    expect(e.message.split("\n")[0]!.length, `${what}: the error's first line`).to.be.greaterThan(0);
  }
}

describe("mutation fuzzing: parsers answer with success or an InputError", function () {
  this.timeout(120_000);

  it("ONNX reader and importer (torchvision ResNet-18 graph, 300 mutants)", () => {
    const src = new Uint8Array(fs.readFileSync("test/fixtures/onnx/resnet18.onnx"));
    for (let i = 0; i < 300; i++) {
      const m = mutateBytes(src);
      survives(`onnx mutant ${i}`, () => loadOnnx(m, { path: "m.onnx", readFile: () => null, weights: "none" }));
    }
  });

  it("ONNX importer on well-formed protobufs with wrong contents (CIFAR ResNet-20, 200 mutants)", () => {
    // Decode once, then change one thing a protobuf parser would accept: an attribute value, a dimension, an
    // input name, a node's op type, or drop a node; re-encode. Reaches the importer's own checks.
    const bytes = new Uint8Array(fs.readFileSync("test/fixtures/onnx/cifar_resnet20_struct_mixed.onnx"));
    const base = modelProto().toObject(modelProto().decode(bytes), { longs: Number, bytes: String }) as {
      graph: {
        node: { opType: string; input?: string[]; attribute?: { ints?: number[]; i?: number; f?: number }[] }[];
        initializer: { dims: number[] }[];
      };
    };
    const ops = ["Conv", "Relu", "Add", "Gemm", "Pad", "Slice", "Concat", "Flatten", "Softmax", "MaxPool"];
    for (let i = 0; i < 200; i++) {
      const m = structuredClone(base);
      const nodes = m.graph.node;
      const node = nodes[int(nodes.length)]!;
      switch (int(5)) {
        case 0: {
          const a = node.attribute?.[int(node.attribute.length)];
          if (a?.ints?.length) a.ints[int(a.ints.length)] = int(12) - 3;
          else if (a && a.i !== undefined) a.i = int(12) - 3;
          break;
        }
        case 1: {
          const init = m.graph.initializer[int(m.graph.initializer.length)]!;
          if (init.dims.length) init.dims[int(init.dims.length)] = int(70) - 2;
          break;
        }
        case 2:
          if (node.input?.length) node.input[int(node.input.length)] = ["x", "", "nope", node.input[0]!][int(4)]!;
          break;
        case 3:
          node.opType = ops[int(ops.length)]!;
          break;
        default:
          nodes.splice(int(nodes.length), 1);
      }
      const mutant = modelProto().encode(modelProto().fromObject(m)).finish();
      survives(`onnx-structured mutant ${i}`, () => loadOnnx(mutant, { path: "m.onnx", readFile: () => null }));
    }
  });

  it("assembler (every-instruction program, 300 mutants)", () => {
    const src = fs.readFileSync("test/fixtures/isa/every.s", "utf8");
    for (let i = 0; i < 300; i++) {
      const m = mutateText(src);
      survives(`asm mutant ${i}`, () => assemble(m, "m.s"));
    }
  });

  it("disassembler's decoder (random words, 300 programs)", () => {
    for (let i = 0; i < 300; i++) {
      const words = new Uint8Array(16 * (1 + int(8)));
      for (let k = 0; k < words.length; k++) words[k] = int(256);
      survives(`decode ${i}`, () => decodeProgram(words));
    }
  });

  it(".net language (ResNet zoo file, 300 mutants)", () => {
    const src = fs.readFileSync("models/zoo/cifar_resnet.net", "utf8");
    for (let i = 0; i < 300; i++) {
      const m = mutateText(src);
      survives(`net mutant ${i}`, () => loadNet(m, "m.net", { model: "resnet20", variant: "struct-a" }));
    }
  });

  it("hardware config documents (edge preset, 300 mutants)", () => {
    const src = fs.readFileSync("isa/configs/edge.json", "utf8");
    for (let i = 0; i < 300; i++) {
      const m = mutateText(src);
      survives(`hw mutant ${i}`, () => resolveHw({ file: { path: "m.json", text: m } }));
    }
  });
});
