import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../../cli/main.js";
import { memoryIo } from "../../cli/io.js";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/onnx");
const cifar = path.join(FIXTURES, "cifar_resnet20_struct_mixed.onnx");

describe("cli: sumac inspect", function () {
  this.timeout(60_000);

  it("--json - writes the DESIGN §6 schema to stdout, layers in execution order", async () => {
    const io = memoryIo();
    expect(await main(["inspect", cifar, "--json", "-"], io)).to.equal(0);
    const r = JSON.parse(io.out) as { model: string; layers: Record<string, unknown>[] };
    expect(r.model).to.equal("cifar_resnet20_struct_mixed");
    expect(r.layers.length).to.equal(20);
    for (const key of [
      "name",
      "kind",
      "cin",
      "cout",
      "k",
      "stride",
      "groups",
      "c",
      "n",
      "R",
      "compression",
      "residual",
      "structured",
    ])
      expect(r.layers[0]!, key).to.have.property(key);
    expect(r.layers.map((l) => l["structured"]).filter((s) => s === true).length).to.equal(19);
    expect(r.layers[19]).to.include({ name: "fc", kind: "fc", R: 32, cin: 64, cout: 10 });
  });

  it("prints a table and a summary, and --json F writes the file", async () => {
    const io = memoryIo();
    expect(await main(["inspect", cifar, "--json", "out/inspect.json", "--tol", "1e-4"], io)).to.equal(0);
    expect(io.out).to.match(/layers\.6\.conv2\s+conv\s+64→64 3×3\s+c=32 n=2\s+4\.50×/);
    expect(io.out).to.contain("20 layers: 19 structured, 1 dense");
    const written = JSON.parse(new TextDecoder().decode(io.files.get("out/inspect.json"))) as { tol: number };
    expect(written.tol).to.equal(1e-4);
  });

  it("--struct FILE.json projects the given structure and reports its residual", async () => {
    const io = memoryIo({ "s.json": JSON.stringify({ "layers.0.conv1": { c: 4, n: 2 } }) });
    expect(await main(["inspect", cifar, "--struct", "s.json", "--json", "-"], io)).to.equal(0);
    const l = (JSON.parse(io.out) as { layers: { name: string; c: number; n: number; residual: number }[] }).layers[1]!;
    expect([l.name, l.c, l.n]).to.deep.equal(["layers.0.conv1", 4, 2]);
    expect(l.residual).to.be.above(0.1);
  });

  it("an ONNX without its external data inspects by shape; structure unknown", async () => {
    const io = memoryIo();
    expect(await main(["inspect", path.join(FIXTURES, "resnet50.onnx")], io)).to.equal(0);
    expect(io.out).to.contain("54 layers: 0 structured, 0 dense, 54 unknown (no weights)");
  });

  it("bad files are exit 2 with one sumac: error line naming the file", async () => {
    const bytes = fs.readFileSync(cifar);
    const cases: Record<string, Uint8Array> = {
      "trunc.onnx": bytes.subarray(0, 1000),
      "empty.onnx": new Uint8Array(0),
      "noise.onnx": Uint8Array.from({ length: 2048 }, (_, i) => (i * 7919 + 13) % 251),
    };
    for (const [file, data] of Object.entries(cases)) {
      const io = memoryIo({ [file]: data });
      expect(await main(["inspect", file], io), file).to.equal(2);
      const lines = io.err.trim().split("\n");
      expect(lines, file).to.have.length(1);
      expect(lines[0], file).to.match(new RegExp(`^sumac: error: ${file.replace(".", "\\.")}: not an ONNX model`));
    }
    const io = memoryIo();
    expect(await main(["inspect", "no/such/model.onnx"], io)).to.equal(2);
    expect(io.err.trim().split("\n")).to.have.length(1);
    expect(io.err).to.contain("no/such/model.onnx");
  });
});
