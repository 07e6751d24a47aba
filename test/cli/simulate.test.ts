// `sumac run` / `sumac simulate` in-process: files written, exit codes for bad input.
import * as fs from "node:fs";
import { expect } from "chai";
import { main } from "../../cli/main.js";
import { memoryIo } from "../../cli/io.js";
import { checkSchema } from "../simulator/schema-check.js";

const schema = JSON.parse(fs.readFileSync(new URL("../../docs/report.schema.json", import.meta.url), "utf8")) as object;
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

describe("cli simulate / run", function () {
  this.timeout(60_000);

  it("run compiles and simulates: summary, report.json, layers.csv, trace and output tensor", async () => {
    const x = new Float32Array(3 * 32 * 32).map((_, i) => Math.sin(i));
    const io = memoryIo({ "x.f32": new Uint8Array(x.buffer) });
    const code = await main(
      [
        "run",
        "resnet20:struct-a",
        "--hw",
        "tiny",
        "--input",
        "x.f32",
        "--output",
        "y.f32",
        "--json",
        "r.json",
        "--csv",
        "l.csv",
        "--trace",
        "t.json",
      ],
      io,
    );
    expect(io.err).to.equal("");
    expect(code).to.equal(0);
    expect(io.out)
      .to.match(/cycles/)
      .and.to.match(/energy/)
      .and.not.contain("\u001b[");
    const rep = JSON.parse(text(io.files.get("r.json"))) as {
      model: string;
      layers: unknown[];
      totals: { cycles: number };
    };
    expect(checkSchema(schema, rep)).to.deep.equal([]);
    expect(rep.model).to.equal("resnet20:struct-a");
    expect(rep.totals.cycles).to.be.greaterThan(0);
    expect(text(io.files.get("l.csv")).trim().split("\n")).to.have.length(rep.layers.length + 1);
    expect(JSON.parse(text(io.files.get("t.json")))).to.have.property("traceEvents");
    expect(io.files.get("y.f32")!.length).to.equal(10 * 4); // 10 CIFAR-10 logits, float32
  });

  it("an input of the wrong size is bad input naming expected and actual sizes", async () => {
    const io = memoryIo({ "x.f32": new Uint8Array(100) });
    expect(await main(["run", "resnet20", "--hw", "tiny", "--input", "x.f32"], io)).to.equal(2);
    expect(io.err).to.match(/^sumac: error: x\.f32: 100 bytes.*12288/);
  });

  it("--output with --timing-only is bad input", async () => {
    const io = memoryIo();
    expect(await main(["run", "resnet20", "--hw", "tiny", "--timing-only", "--output", "y.f32"], io)).to.equal(2);
    expect(io.err).to.match(/--output needs the functional run/);
  });

  it("simulate of a directory without a program is bad input", async () => {
    const io = memoryIo();
    expect(await main(["simulate", "no-such-dir-h5"], io)).to.equal(2);
    expect(io.err).to.match(/^sumac: error: .*no-such-dir-h5/);
  });
});
