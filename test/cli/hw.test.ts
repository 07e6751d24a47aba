// `sumac hw`: exit codes, the text table, JSON output, and errors naming the key or the file position.
import { expect } from "chai";
import { main } from "../../cli/main.js";
import { memoryIo } from "../../cli/io.js";

async function run(argv: string[], files: Record<string, string> = {}) {
  const io = memoryIo(files);
  const code = await main(argv, io);
  return { code, out: io.out, err: io.err, io };
}

describe("sumac hw", () => {
  it("hw edge --set mac.rows=32 exits 0 and prints 32", async () => {
    const r = await run(["hw", "edge", "--set", "mac.rows=32"]);
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.match(/^\s*mac\.rows\s+32\s+cells\s+--set$/m);
    expect(r.out).to.match(/^hardware edge-32x16ws-/m);
    expect(r.out).to.match(/^\s*peak\.macsPerCycle\s+512\s/m); // 32 x 16
    expect(r.out).to.match(/^hash\s+[0-9a-f]{16}$/m);
  });

  it("prints every counter's price with its unit and source", async () => {
    const r = await run(["hw", "tiny"]);
    expect(r.code).to.equal(0);
    expect(r.out).to.match(/^\s*mac\.mult8\s+0\.2\s+pJ\s+Horowitz/m);
    expect(r.out).to.match(/^\s*dram\.read\s+64\s+pJ\/byte\s+LPDDR4/m);
    expect(r.out).to.match(/^\s*dram\.bytesPerCycle\s+8\s+B\/cycle/m); // 1.6 GB/s at 200 MHz
    expect(r.out).to.contain("fits the ISA: yes");
  });

  it("--set mac.rowz=8 exits 2 with one line naming the key and the nearest one", async () => {
    const r = await run(["hw", "--set", "mac.rowz=8"]);
    expect(r.code).to.equal(2);
    expect(r.err.trim().split("\n")).to.have.length(1);
    expect(r.err).to.contain("sumac: error: --set mac.rowz=8: unknown key 'mac.rowz' (did you mean 'mac.rows'?)");
    expect(r.out).to.equal("");
  });

  it("--set foo (no '=') exits 2", async () => {
    const r = await run(["hw", "--set", "foo"]);
    expect(r.code).to.equal(2);
    expect(r.err).to.match(/^sumac: error: --set 'foo'/);
  });

  it("a malformed JSON file exits 2 naming the file, line and column", async () => {
    const r = await run(["hw", "--hw", "bad.json"], { "bad.json": '{\n  "mac": {\n    "rows": 8,,\n  }\n}\n' });
    expect(r.code).to.equal(2);
    expect(r.err).to.match(/^sumac: error: bad\.json:3:15: invalid JSON/);
    expect(r.err).to.contain('    "rows": 8,,\n              ^');
  });

  it("a missing --hw file or an unknown preset exits 2", async () => {
    expect((await run(["hw", "--hw", "nope.json"])).err).to.match(/^sumac: error: nope\.json: cannot read/);
    const p = await run(["hw", "--hw", "tinny"]);
    expect(p.code).to.equal(2);
    expect(p.err).to.contain("(did you mean 'tiny'?)");
    expect((await run(["hw", "edgy"])).err).to.contain("unknown preset 'edgy' (did you mean 'edge'?)");
  });

  it("--hw FILE.json with a base preset, then --set; a positional preset after --set is still the preset", async () => {
    const r = await run(["hw", "--hw", "my.json", "--set", "vector.lanes=2", "--json"], {
      "my.json": JSON.stringify({ preset: "tiny", mac: { rows: 4 }, sources: { "mac.rows": "my experiment" } }),
    });
    expect(r.code, r.err).to.equal(0);
    const j = JSON.parse(r.out) as {
      preset: string;
      mac: { rows: number };
      vector: { lanes: number };
      clock_mhz: number;
      sources: Record<string, string>;
    };
    expect([j.preset, j.mac.rows, j.vector.lanes, j.clock_mhz]).to.deep.equal(["tiny", 4, 2, 200]);
    expect(j.sources["mac.rows"]).to.equal("my experiment");
    const s = await run(["hw", "--set", "mac.rows=2", "tiny"]);
    expect(s.code, s.err).to.equal(0);
    expect(s.out).to.match(/^hardware tiny-2x8ws-/m);
  });

  it("--json FILE writes the resolved config", async () => {
    const r = await run(["hw", "edge", "--json", "out/hw.json"]);
    expect(r.code).to.equal(0);
    const j = JSON.parse(new TextDecoder().decode(r.io.files.get("out/hw.json"))) as {
      dram: { bytesPerCycle: number };
      peak: { macsPerCycle: number };
    };
    expect(j.dram.bytesPerCycle).to.equal(4e9 / 500e6);
    expect(j.peak.macsPerCycle).to.equal(256);
  });

  it("shows a config that does not fit the ISA", async () => {
    const r = await run(["hw", "--set", "sram.act.kib=2048"]);
    expect(r.code).to.equal(0);
    expect(r.out).to.contain("fits the ISA: NO");
    expect(r.out).to.contain("sram.act.kib = 2048");
  });

  it("--help shows examples", async () => {
    const r = await run(["hw", "--help"]);
    expect(r.code).to.equal(0);
    expect(r.out).to.contain("sumac hw edge");
    expect(r.out).to.contain("--set");
  });
});
