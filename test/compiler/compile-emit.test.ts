// The program on disk: program.s has a comment per layer and assembles to exactly program.bin; readProgram gives
// back the same program; `sumac compile` writes the four files and prints its summary.
import * as fs from "node:fs";
import { expect } from "chai";
import { compileDetailed } from "../../compiler/compile.js";
import { readProgram, writeProgram } from "../../compiler/emit.js";
import { assemble } from "../../isa/asm/assemble.js";
import { encodeProgram } from "../../isa/encode.js";
import { resolveHw } from "../../isa/hw/config.js";
import { loadModel } from "../../models/zoo.js";
import { main } from "../../cli/main.js";
import { memoryIo } from "../../cli/io.js";

const hw = resolveHw({ preset: "tiny" });
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

describe("compile: emitted program files", function () {
  this.timeout(60_000);
  const graph = loadModel("resnet20:struct-a", { readFile: (p) => fs.readFileSync(p) });
  const r = compileDetailed(graph, hw, { mode: "structured", dtype: "int8", batch: 2 });
  const io = memoryIo();
  writeProgram("out/t", r.program, io, hw);

  it("program.s: one `; layer` comment per layer right before its first instruction, and it assembles to program.bin", () => {
    const s = text(io.files.get("out/t/program.s"));
    const lines = s.split("\n");
    const layerLines = lines.filter((l) => l.startsWith("; layer "));
    expect(layerLines).to.have.length(r.layers.layers.length);
    expect(layerLines[0]).to.equal("; layer conv1 (conv, dense)");
    const l10 = r.layers.layers.find((l) => l.name === "layer1.0.conv1");
    expect(l10?.kind === "conv" && l10.structured).to.not.equal(undefined);
    if (l10?.kind === "conv" && l10.structured)
      expect(lines).to.include(`; layer layer1.0.conv1 (conv, c=${l10.structured.c}, n=${l10.structured.n})`);
    // Instruction lines = instructions; comments are the only other lines.
    expect(lines.filter((l) => l !== "" && !l.startsWith(";"))).to.have.length(r.program.instructions.length);
    const bin = io.files.get("out/t/program.bin")!;
    expect(Buffer.from(encodeProgram(assemble(s, "program.s"))).equals(Buffer.from(bin))).to.equal(true);
  });

  it("readProgram gives back the instructions, the DRAM image and the manifest", () => {
    const back = readProgram("out/t", io);
    expect(back.instructions).to.deep.equal(r.program.instructions);
    expect(back.manifest).to.deep.equal(JSON.parse(JSON.stringify(r.program.manifest)));
    expect(back.image.map((s) => [s.name, s.addr, s.esize, s.data.constructor.name])).to.deep.equal(
      r.program.image.map((s) => [s.name, s.addr, s.esize, s.data.constructor.name]),
    );
    for (let i = 0; i < back.image.length; i++)
      expect(Array.from(back.image[i]!.data)).to.deep.equal(Array.from(r.program.image[i]!.data));
    // data.bin is the segments back to back, at the offsets the manifest records
    const m = JSON.parse(text(io.files.get("out/t/manifest.json"))) as {
      segments: { offset: number; bytes: number }[];
    };
    const total = r.program.image.reduce((s, seg) => s + seg.data.byteLength, 0);
    expect(io.files.get("out/t/data.bin")!.length).to.equal(total);
    expect(m.segments[1]!.offset).to.equal(m.segments[0]!.bytes);
    expect(r.program.manifest.batch).to.equal(2);
    expect(r.program.manifest.inputs[0]!.batchStride).to.equal(3 * 32 * 32);
  });

  it("readProgram rejects a directory without a manifest, naming the file", () => {
    expect(() => readProgram("out/none", memoryIo())).to.throw(/out\/none\/manifest.json: missing/);
  });

  it("sumac compile writes DIR/program.s, program.bin, data.bin, manifest.json and prints a summary", async () => {
    const cio = memoryIo();
    const code = await main(
      ["compile", "resnet20", "--hw", "tiny", "--mode", "dense", "--dtype", "fp32", "-o", "out/r20"],
      cio,
    );
    expect(cio.err).to.equal("");
    expect(code).to.equal(0);
    for (const f of ["program.s", "program.bin", "data.bin", "manifest.json", "hw.json"])
      expect(cio.files.has(`out/r20/${f}`), f).to.equal(true);
    expect(cio.out).to.match(/compiled resnet20 \(dense, fp32, batch 1\) for tiny-/);
    expect(cio.out).to.match(/instructions \d[\d,]*: ld \d/);
    expect(cio.out).to.match(/SRAM peak +act [\d,]+\/65,536/);
    // ResNet-20 MACs in closed form: conv1 3*9*16*32*32 = 442,368; stage 1: 6 x 16*9*16*1024 = 14,155,776;
    // stages 2 and 3: 16*9*32*256 + 5 x 32*9*32*256 = 12,976,128 each (the same for 32->64 at 8x8); fc 64*10 = 640.
    expect(cio.out).to.contain(
      `MAC work     ${(442_368 + 14_155_776 + 2 * 12_976_128 + 640).toLocaleString("en-US")} MACs`,
    );
  });

  it("sumac compile --dump-after tile prints the tile plan; an unknown pass is exit 2 naming the passes", async () => {
    const cio = memoryIo();
    expect(
      await main(
        ["compile", "resnet20", "--hw", "tiny", "--dtype", "fp32", "-o", "out/d", "--dump-after", "tile"],
        cio,
      ),
    ).to.equal(0);
    expect(cio.out).to.match(/^conv1 conv: rows \d+, cols 32, cout \d+/m);
    const bad = memoryIo();
    expect(await main(["compile", "resnet20", "--dtype", "fp32", "--dump-after", "nope"], bad)).to.equal(2);
    expect(bad.err).to.match(/unknown pass 'nope'.*tile, allocate, schedule, lower, verify-program/);
  });
});
