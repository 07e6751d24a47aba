// The .net language's constructs for EfficientNet, MobileNetV3 and HRNet: the activations and upsample layers,
// `gate { }` (squeeze-and-excitation), `concat { }`, named streams (`keep` / `use`), `**`, hyphenated model names.
import { expect } from "chai";
import { InputError } from "../../isa/errors.js";
import type { Graph, Node } from "../../models/ir.js";
import { loadNet, parseNet } from "../../models/net/load.js";

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error("expected an InputError");
}

const net = (body: string, header = "network t input [4, 8, 8]"): Graph => loadNet(`${header} {\n${body}\n}`, "t.net");
const summary = (g: Graph): string[] =>
  g.nodes.map((n: Node) => `${n.name}:${n.op}[${g.shapes.get(n.output)!.join(",")}]<${n.inputs.join("+")}`);

describe(".net: activations, upsample, gate, concat, keep/use", () => {
  it("sigmoid, silu, hardsigmoid(alpha, beta), hardswish are act nodes with their parameters", () => {
    const g = net("sigmoid\nsilu\nhardsigmoid(0.2, 0.5)\nhardsigmoid\nhardswish");
    expect(g.nodes.map((n) => (n.op === "act" ? [n.fn, n.alpha, n.beta] : n.op))).to.deep.equal([
      ["sigmoid", 1 / 6, 0.5],
      ["silu", 1 / 6, 0.5],
      ["hardsigmoid", 0.2, 0.5],
      ["hardsigmoid", 1 / 6, 0.5],
      ["hardswish", 1 / 6, 0.5],
    ]);
  });

  it("upsample(s) is nearest; bilinear=1 is PyTorch's align_corners=False (half_pixel); align_corners=1", () => {
    const g = net("upsample(2)\nupsample(2, bilinear=1)\nupsample(scale=3, bilinear=1, align_corners=1)");
    expect(g.nodes.map((n) => (n.op === "resize" ? [n.mode, n.scaleH, n.coord] : n.op))).to.deep.equal([
      ["nearest", 2, "half_pixel"],
      ["bilinear", 2, "half_pixel"],
      ["bilinear", 3, "align_corners"],
    ]);
    expect(g.shapes.get(g.output)).to.deep.equal([4, 96, 96]);
  });

  it("gate { } multiplies the current tensor by its body (an SE gate broadcast per channel), named like a scope", () => {
    const g = net("se: gate { gap; fc1: conv(2, 1x1, bias=1); relu; fc2: conv(4, 1x1, bias=1); hardsigmoid }");
    expect(summary(g)).to.deep.equal([
      "se.avgpool:gap[4,1,1]<input",
      "se.fc1:conv[2,1,1]<se.avgpool",
      "se.relu:relu[2,1,1]<se.fc1",
      "se.fc2:conv[4,1,1]<se.relu",
      "se.hardsigmoid:act[4,1,1]<se.fc2",
      "se.mul:mul[4,8,8]<input+se.hardsigmoid",
    ]);
  });

  it("concat { } appends its body's channels; keep / use carry named streams (indexed by expressions)", () => {
    const g = net(
      "keep x[0]\nconv(6, 3x3, stride=2, pad=1)\nkeep x[2 ** 0]\nuse x[0]\nfor j in 1..2 { concat { use x[j]; upsample(2 ** j) } }",
    );
    expect(summary(g)).to.deep.equal([
      "conv1:conv[6,4,4]<input",
      "upsample:resize[6,8,8]<conv1",
      "cat:concat[10,8,8]<input+upsample",
    ]);
  });

  it("a residual whose body starts from another stream adds it to the current tensor (HRNet's fusion)", () => {
    const g = net("keep a\nconv(4, 3x3, stride=2, pad=1)\nkeep b\nuse a\nresidual { use b; upsample(2, bilinear=1) }");
    expect(summary(g).at(-1)).to.equal("add:add[4,8,8]<upsample+input");
  });

  it("errors: an unknown stream names the kept ones; a concat of different sizes names the layer", () => {
    expect(errorOf(() => net("keep x[0]\nuse x[1]")).message).to.match(
      /t\.net:3:1: no tensor is kept as 'x\[1\]' \(kept: x\[0\]\)/,
    );
    expect(errorOf(() => net("concat { conv(4, 3x3, stride=2, pad=1) }")).message).to.match(
      /concatenates maps of different sizes \[4,8,8\] and \[4,4,4\]/,
    );
    expect(errorOf(() => net("upsample")).message).to.match(/upsample needs its factor/);
  });

  it("** is right-associative and binds tighter than *; model names may contain hyphens", () => {
    const doc = parseNet(
      'network n(w = 2) input [3, 4, 4] { conv(w * 2 ** 3 ** 1, 1x1) }\nmodel my-net-v2 = n(w = 3) "x"\n',
      "m.net",
    );
    expect(doc.models.map((m) => m.name)).to.deep.equal(["my-net-v2"]);
    // 2 ** 3 ** 2 / 64 = 2^9 / 64 = 8; left-associative it would be 1.
    const g = loadNet("network n input [3, 4, 4] { conv(2 ** 3 ** 2 / 64, 1x1) }", "p.net");
    expect(g.nodes[0]).to.include({ cout: 8 });
  });
});
