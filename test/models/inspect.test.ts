import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../../isa/errors.js";
import { inspectGraph, parseStructFile } from "../../models/inspect.js";
import { loadOnnx } from "../../models/onnx/load.js";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/onnx");
const fixture = (name: string) => path.join(FIXTURES, name);
const readFile = (p: string): Uint8Array | null => (fs.existsSync(p) ? fs.readFileSync(p) : null);
const load = (name: string) => loadOnnx(fs.readFileSync(fixture(name)), { path: fixture(name), readFile });

interface MetaLayer {
  layer: string;
  kind?: "fc";
  Cin?: number;
  Cout?: number;
  N?: number;
  P?: number;
  Q?: number;
  structured: boolean;
  c?: number | null;
  n?: number | null;
  R?: number;
}
interface Meta {
  layers: MetaLayer[];
  onnx_weights: { pytorch_layer: string | null; residual: number | null }[];
}
const meta = JSON.parse(fs.readFileSync(fixture("cifar_resnet20_struct_mixed.meta.json"), "utf8")) as Meta;

describe("inspect: structure per layer", function () {
  this.timeout(30_000);
  const g = load("cifar_resnet20_struct_mixed.onnx");
  const report = inspectGraph(g);

  it("reports exactly the (c, n) / R of the model's meta.json for every layer, matched by order and shapes", () => {
    expect(report.model).to.equal("cifar_resnet20_struct_mixed");
    expect(report.layers.length).to.equal(meta.layers.length);
    meta.layers.forEach((m, i) => {
      const l = report.layers[i]!;
      if (m.kind === "fc") {
        expect([l.kind, l.cin, l.cout, l.R, l.structured], m.layer).to.deep.equal(["fc", m.Q, m.P, m.R, true]);
        expect(l.compression).to.equal(m.Q! / m.R!);
        return;
      }
      expect([l.kind, l.cin, l.cout, l.k, l.groups], m.layer).to.deep.equal(["conv", m.Cin, m.Cout, m.N, 1]);
      if (m.structured) {
        expect([l.c, l.n, l.structured], m.layer).to.deep.equal([m.c, m.n, true]);
        expect(l.compression).to.equal((m.Cin! * m.N! * m.N!) / (m.c! * m.n! * m.n!));
      } else {
        // DESIGN §6: an unstructured conv reports c = cin/groups, n = k, compression 1.
        expect([l.c, l.n, l.compression, l.structured], m.layer).to.deep.equal([m.Cin, m.N, 1, false]);
      }
    });
  });

  it("residuals of the structured layers are those of the export (≈1e-7, float32 rounding), far below the tolerance", () => {
    for (const w of meta.onnx_weights) {
      if (w.residual === null) continue;
      const l = report.layers.find((x) => x.name === w.pytorch_layer)!;
      expect(l.residual, l.name).to.be.below(1e-6);
      // Same order of magnitude as the exporter's own float64 measurement of the folded weights.
      expect(l.residual! / w.residual, l.name).to.be.within(0.2, 5);
    }
  });

  it("a structure file is projected: the true structure gives ≈0, a wrong one a large residual, a looser one 0", () => {
    const r = inspectGraph(g, {
      structFile: {
        "layers.0.conv1": { c: 8, n: 3 },
        "layers.0.conv2": { c: 4, n: 2 },
        "layers.3.conv2": { c: 32, n: 3 },
        fc: { R: 16 },
      },
    });
    const by = (name: string) => r.layers.find((l) => l.name === name)!;
    expect(by("layers.0.conv1").residual).to.be.below(1e-6);
    expect(by("layers.0.conv1").source).to.equal("file");
    expect(by("layers.0.conv2").residual).to.be.above(0.1);
    expect([by("layers.0.conv2").c, by("layers.0.conv2").n, by("layers.0.conv2").compression]).to.deep.equal([
      4,
      2,
      (16 * 9) / (4 * 4),
    ]);
    // (c = C, n = N) contains every kernel: projection is exact.
    expect(by("layers.3.conv2").residual).to.be.below(1e-9);
    expect(by("fc").residual).to.be.above(0.1);
    expect(by("fc").R).to.equal(16);
    // Other layers are still detected.
    expect(by("layers.1.conv1").source).to.equal("detected");
  });

  it("without weights: shapes are reported and structure is unknown (or as given by the structure file)", () => {
    const r18 = load("resnet18.onnx");
    const r = inspectGraph(r18);
    expect(r.layers.length).to.equal(21);
    const first = r.layers[0]!;
    expect([first.name, first.cin, first.cout, first.k, first.stride, first.groups]).to.deep.equal([
      "conv1",
      3,
      64,
      7,
      2,
      1,
    ]);
    for (const l of r.layers)
      expect([l.c, l.n, l.R, l.residual, l.structured]).to.deep.equal([null, null, null, null, "unknown"]);
    const given = inspectGraph(r18, { structFile: { "layer1.0.conv1": { c: 32, n: 2 } } });
    const l = given.layers.find((x) => x.name === "layer1.0.conv1")!;
    expect([l.c, l.n, l.compression, l.residual, l.structured]).to.deep.equal([32, 2, (64 * 9) / (32 * 4), null, true]);
    const mb = inspectGraph(load("mobilenet_v2.onnx"));
    const dw = mb.layers.find((x) => x.groups > 1)!;
    expect([dw.cin, dw.cout, dw.groups, dw.k]).to.deep.equal([32, 32, 32, 3]);
  });

  it("bad structure files and tolerances are InputErrors naming the layer or file", () => {
    const bad = (fn: () => unknown, re: RegExp) => {
      try {
        fn();
      } catch (e) {
        expect(e).to.be.instanceOf(InputError);
        expect((e as Error).message).to.match(re);
        return;
      }
      throw new Error("expected an InputError");
    };
    bad(() => inspectGraph(g, { structFile: { nope: { c: 1, n: 1 } } }), /names layer 'nope'/);
    bad(() => inspectGraph(g, { structFile: { fc: { c: 1, n: 1 } } }), /fc layer 'fc' must be \{R\}/);
    bad(() => inspectGraph(g, { structFile: { conv1: { c: 4, n: 1 } } }), /does not fit conv layer 'conv1' \(C=3/);
    bad(() => inspectGraph(g, { tol: 0 }), /tolerance/);
    bad(() => parseStructFile("{", "s.json"), /^s\.json: not valid JSON/);
    bad(() => parseStructFile('{"conv1": {"c": 2}}', "s.json"), /^s\.json: layer 'conv1': expected/);
    expect(parseStructFile('{"a": {"c": 2, "n": 1}, "fc": {"R": 3}}', "s.json")).to.deep.equal({
      a: { c: 2, n: 1 },
      fc: { R: 3 },
    });
  });
});
