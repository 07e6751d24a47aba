import { expect } from "chai";
import { main } from "../../cli/main.js";
import { memoryIo } from "../../cli/io.js";

describe("cli main", () => {
  it("--help lists every command and exits 0", async () => {
    const io = memoryIo();
    expect(await main(["--help"], io)).to.equal(0);
    for (const c of [
      "models",
      "count",
      "inspect",
      "compile",
      "simulate",
      "run",
      "compare",
      "sweep",
      "asm",
      "disasm",
      "hw",
    ])
      expect(io.out).to.contain(`sumac ${c}`);
  });

  it("an unknown command is bad input: exit 2 with one sumac: error line", async () => {
    const io = memoryIo();
    expect(await main(["frobnicate"], io)).to.equal(2);
    expect(io.err.trim().split("\n")).to.have.length(1);
    expect(io.err).to.match(/^sumac: error: /);
  });

  it("no command is bad input", async () => {
    const io = memoryIo();
    expect(await main([], io)).to.equal(2);
    expect(io.err).to.match(/^sumac: error: /);
  });
});
