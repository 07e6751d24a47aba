// `sumac run` / `sumac simulate` in-process: files written, exit codes for bad input.
import * as fs from "node:fs";
import { expect } from "chai";
import { main } from "../../cli/main.js";
import { memoryIo } from "../../cli/io.js";
import { checkSchema } from "../simulator/schema-check.js";
import { writeProgram } from "../../compiler/emit.js";
import { compile } from "../../compiler/compile.js";
import { loadModel } from "../../models/zoo.js";
import { instr } from "../../isa/build.js";
import { hwOf, program } from "../simulator/helpers.js";

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

  it("simulate <DIR> runs a written program on the machine of its hw.json; another --hw is refused naming both ids", async () => {
    const hw = hwOf("tiny");
    const p = compile(loadModel("resnet20:struct-a", { readFile: (f) => fs.readFileSync(f) }), hw, {
      mode: "structured",
      dtype: "int8",
    });
    const io = memoryIo();
    writeProgram("prog", p, io, hw);
    expect(await main(["simulate", "prog", "--timing-only", "--json", "-"], io)).to.equal(0);
    const rep = JSON.parse(io.out) as { hw: { hash: string }; totals: { cycles: number } };
    expect(rep.hw.hash).to.equal(hw.hash);
    expect(io.err).to.match(/cycles/); // the summary goes to stderr when the report takes stdout
    const io2 = memoryIo(Object.fromEntries(io.files));
    expect(await main(["simulate", "prog", "--hw", "edge", "--timing-only"], io2)).to.equal(2);
    expect(io2.err).to.contain(hw.id).and.to.contain(hwOf("edge").id);
  });

  it("simulate of a deadlocking program exits 2 and lists the blocked instructions", async () => {
    const hw = hwOf("tiny");
    const p = program(hw, [
      instr(
        "conv",
        {
          dst: 0,
          sbuf: "act",
          src: 0,
          wgt: 0,
          c: 1,
          h: 3,
          w: 3,
          kh: 1,
          kw: 1,
          stride: 1,
          dil: 1,
          cout: 1,
          dw: 0,
          accum: 0,
        },
        { wait: ["vec"], signal: ["vec"] },
      ),
      instr("vop.requant", { dst: 0, src: 0, c: 1, h: 3, w: 3, par: 0 }, { wait: ["mac"], signal: ["mac"] }),
      instr("halt", {}),
    ]);
    const io = memoryIo();
    writeProgram("dl", p, io, hw);
    expect(await main(["simulate", "dl", "--timing-only"], io)).to.equal(2);
    const lines = io.err.trim().split("\n");
    expect(lines[0]).to.match(/^sumac: error: deadlock at cycle \d+/);
    expect(io.err)
      .to.contain("#0 conv waits for a token on vec->mac")
      .and.to.contain("#1 vop.requant waits for a token on mac->vec");
  });
});
