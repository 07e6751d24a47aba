// The .net language: syntax and semantic errors (all at once, with line/column and caret), expressions, naming, variants.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { main } from "../../cli/main.js";
import { memoryIo } from "../../cli/io.js";
import { InputError } from "../../isa/errors.js";
import type { Graph } from "../../models/ir.js";
import { loadNet, parseNet } from "../../models/net/load.js";

const fixture = (f: string): string => readFileSync(new URL(`../fixtures/net/${f}`, import.meta.url), "utf8");

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

describe(".net syntax errors", () => {
  it("reports every syntax error of a file in one run, each with file:line:col and a caret", () => {
    const e = errorOf(() => parseNet(fixture("malformed.net"), "malformed.net"));
    expect(e.message).to.match(/^malformed\.net:4:3: expected '\)', found 'bn' \(and \d+ more errors\)$/);
    const located = e.details.filter((l) => /^malformed\.net:\d+:\d+: /.test(l));
    expect(located.length).to.be.at.least(3);
    expect(located[0]).to.equal("malformed.net:4:3: expected ')', found 'bn'");
    expect(located.some((l) => l.startsWith("malformed.net:5:8: "))).to.equal(true); // the stray '='
    expect(located.at(-1)).to.match(/^malformed\.net:7:1: expected '}', found end of file$/);
    // Each located line is followed by the source line and a caret under the column.
    const i = e.details.indexOf(located[1]!);
    expect(e.details[i + 1]).to.equal("    5 |   relu = 3");
    expect(e.details[i + 2]).to.equal("      |        ^");
  });

  it("an unknown character is a lexical error with its position", () => {
    const e = errorOf(() => parseNet("network t input [3, 4, 4] {\n  relu $\n}\n", "x.net"));
    expect(e.message).to.equal("x.net:2:8: unexpected character '$'");
  });

  it("`sumac count` on a malformed file exits 2 and prints every error", async () => {
    const io = memoryIo({ "bad.net": fixture("malformed.net") });
    expect(await main(["count", "bad.net"], io)).to.equal(2);
    expect(io.err).to.match(/^sumac: error: bad\.net:4:3: /);
    for (const at of ["bad.net:4:3:", "bad.net:5:8:", "bad.net:7:1:"]) expect(io.err).to.contain(at);
    expect(io.err).to.not.match(/at \w+ \(/); // no stack trace
  });
});

describe(".net semantic errors", () => {
  it("collects every name-level error before elaborating", () => {
    const e = errorOf(() => parseNet(fixture("semantic.net"), "s.net"));
    const located = e.details.filter((l) => /^s\.net:\d+:\d+: /.test(l));
    const expected = [
      "s.net:3:23: 'conv' has no argument 'padding'",
      "s.net:5:8: unknown name 'k'",
      "s.net:8:9: block 'b' takes 1 argument",
      "s.net:9:3: unknown block 'nosuch' (blocks: b)",
      "s.net:10:10: @a on fc needs R=…",
      "s.net:11:34: unknown name 'M'",
    ];
    for (const x of expected)
      expect(
        located.some((l) => l.startsWith(x)),
        x,
      ).to.equal(true);
  });

  it("a shape error names the position and the block it happened in", () => {
    const text = "block b(w) {\n  residual { conv(w, 3x3, pad=1); bn }\n}\nnetwork t input [4, 8, 8] {\n  b(8)\n}\n";
    const e = errorOf(() => loadNet(text, "r.net"));
    expect(e.message).to.equal(
      "r.net:2:3: residual: the main branch gives [8,8,8] but the shortcut gives [4,8,8] (in block 'b' called at line 5)",
    );
  });

  it("`/` must divide exactly; `//` floors", () => {
    expect(errorOf(() => net("let x = 7 / 2\nconv(x, 1x1)")).message).to.equal(
      "t.net:2:11: 7/2 is not a whole number (use // to round down)",
    );
    expect(net("let x = 7 // 2\nconv(x, 1x1)").shapes.get("conv1")).to.deep.equal([3, 8, 8]);
  });

  it("unknown variant and model name what exists", () => {
    const text = fixture("tiny.net");
    expect(errorOf(() => loadNet(text, "tiny.net", { variant: "struct-z" })).message).to.equal(
      "model 'tiny' has no variant 'struct-z' (variants: dense, struct-lite)",
    );
    expect(errorOf(() => loadNet(text, "tiny.net", { model: "big" })).message).to.equal(
      "tiny.net: no model 'big' (models: tiny)",
    );
  });

  it("a structure annotation must fit the layer (c ≤ C, n ≤ N)", () => {
    const e = errorOf(() =>
      loadNet("network t input [4, 8, 8] {\n  conv(8, 3x3) @a(c = C + 1)\n}\n", "t.net", { variant: "struct-a" }),
    );
    expect(e.message).to.equal("t.net:2:16: @a: c = 5 exceeds the 4 input channels per group");
  });
});

describe(".net expressions and control flow", () => {
  it("precedence: * before +, comparisons, && and ||, ternary; unary minus", () => {
    const g = net(
      "let a = 2 + 3 * 4\nlet b = (2 + 3) * 4 - -1\nlet c = a > 10 && b == 21 ? 5 : 7\nconv(a, 1x1)\nconv(b, 1x1)\nconv(c, 1x1)\nconv(a % 5 + (1 || 0), 1x1)",
    );
    expect(g.nodes.map((n) => g.shapes.get(n.output)![0])).to.deep.equal([14, 21, 5, 5]);
  });

  it("for (half-open range), repeat, if/else if/else and `channels`", () => {
    const g = net(
      "for i in 1..4 { conv(channels + i, 1x1) }\nrepeat 2 { relu }\nif channels == 10 { conv(1, 1x1) } else if channels == 11 { conv(2, 1x1) } else { conv(3, 1x1) }",
    );
    expect(g.nodes.map((n) => g.shapes.get(n.output)![0])).to.deep.equal([5, 7, 10, 10, 10, 1]);
  });

  it("blocks take positional, named and default parameters, and see only them", () => {
    const text = "block b(x, y = x * 2) { conv(y, 1x1) }\nnetwork t input [4, 8, 8] { b(3)\nb(1, y = 5) }\n";
    const g = loadNet(text, "t.net");
    expect(g.nodes.map((n) => g.shapes.get(n.output)![0])).to.deep.equal([6, 5]);
    const leak = "block b() { conv(w, 1x1) }\nnetwork t(w = 3) input [4, 8, 8] { b() }\n";
    expect(errorOf(() => loadNet(leak, "t.net")).message).to.equal("t.net:1:18: unknown name 'w'");
  });

  it("network parameters come from a model declaration", () => {
    const text =
      'network t(w = 3) input [4, 8, 8] { conv(w, 1x1) }\nmodel small = t(w = 2)\nmodel big = t(16) "a big one"\n';
    const doc = parseNet(text, "t.net");
    expect(doc.models.map((m) => [m.name, m.description])).to.deep.equal([
      ["small", ""],
      ["big", "a big one"],
    ]);
    const g = loadNet(text, "t.net", { model: "big" });
    expect(g.shapes.get(g.output)).to.deep.equal([16, 8, 8]);
    expect(g.name).to.equal("big");
  });
});

describe(".net layers, names and structure", () => {
  it("names: labels, torchvision-style auto names, seq indices, dotted scopes", () => {
    const g = loadNet(fixture("tiny.net"), "tiny.net");
    expect(g.nodes.map((n) => n.name)).to.deep.equal([
      "stem",
      "bn1",
      "relu",
      "blocks.0.conv1",
      "blocks.0.bn1",
      "blocks.0.relu",
      "blocks.0.conv2",
      "blocks.0.bn2",
      "blocks.0.add",
      "blocks.0.relu_1",
      "blocks.1.conv1",
      "blocks.1.bn1",
      "blocks.1.relu",
      "blocks.1.conv2",
      "blocks.1.bn2",
      "blocks.1.downsample.0",
      "blocks.1.downsample.1",
      "blocks.1.add",
      "blocks.1.relu_1",
      "avgpool",
      "flatten",
      "head",
    ]);
    const add = g.nodes.find((n) => n.name === "blocks.1.add")!;
    expect(add.inputs).to.deep.equal(["blocks.1.bn2", "blocks.1.downsample.1"]);
    expect(g.shapes.get(g.output)).to.deep.equal([4]);
  });

  it("the variant applies its own annotations only; dense ignores them all", () => {
    const dense = loadNet(fixture("tiny.net"), "tiny.net");
    expect(dense.nodes.some((n) => "structure" in n && n.structure)).to.equal(false);
    const lite = loadNet(fixture("tiny.net"), "tiny.net", { variant: "struct-lite" });
    const s = lite.nodes.flatMap((n) =>
      n.op === "conv" && n.structure
        ? [[n.name, n.structure.c, n.structure.n]]
        : n.op === "fc" && n.structure
          ? [[n.name, n.structure.R]]
          : [],
    );
    expect(s).to.deep.equal([
      ["blocks.0.conv1", 4, 2],
      ["blocks.0.conv2", 4, 2],
      ["blocks.1.conv1", 4, 2],
      ["blocks.1.conv2", 8, 2],
      ["head", 8],
    ]);
    expect(lite.name).to.equal("tiny:struct-lite");
  });

  it("layer kinds map to IR ops with their attributes", () => {
    const g = net(
      "conv(8, 3x5, stride=2, pad=1, dilation=1, groups=2, bias=1)\nrelu6\nclip(0, 0.5)\nmaxpool(3x3, stride=2, pad=1)\navgpool(2x2)\ngap\nflatten\nfc(10, bias=0)",
    );
    expect(g.nodes.map((n) => n.op)).to.deep.equal([
      "conv",
      "clip",
      "clip",
      "maxpool",
      "avgpool",
      "gap",
      "flatten",
      "fc",
    ]);
    const conv = g.nodes[0]!;
    if (conv.op !== "conv") throw new Error("conv");
    expect([conv.kh, conv.kw, conv.stride, conv.groups, conv.pads, conv.bias?.length]).to.deep.equal([
      3,
      5,
      2,
      2,
      [1, 1, 1, 1],
      8,
    ]);
    // floor((8 + 2 − 3)/2) + 1 = 4 rows; floor((8 + 2 − 5)/2) + 1 = 3 columns
    expect(g.shapes.get("conv1")).to.deep.equal([8, 4, 3]);
    expect(g.nodes[2]).to.include({ lo: 0, hi: 0.5 });
    expect(g.shapes.get("maxpool")).to.deep.equal([8, 2, 2]);
    expect(g.shapes.get("avgpool")).to.deep.equal([8, 1, 1]);
    const fc = g.nodes.at(-1)!;
    expect(fc).to.include({ P: 10, Q: 8, bias: null });
  });

  it("option-A shortcut infers stride, channels and even zero padding from the main branch", () => {
    const g = net("residual { conv(8, 3x3, stride=2, pad=1); bn } shortcut { shortcutA }");
    const sc = g.nodes.find((n) => n.op === "shortcutA")!;
    expect(sc).to.include({ stride: 2, cout: 8, before: 2 });
    expect(g.shapes.get(sc.output)).to.deep.equal([8, 4, 4]);
  });

  it("`residual if` falls back to a plain sequence when the condition is false", () => {
    const g = net("residual if channels == 99 { conv(4, 1x1) }");
    expect(g.nodes.map((n) => n.op)).to.deep.equal(["conv"]);
  });
});
