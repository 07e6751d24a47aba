import { expect } from "chai";
import { main } from "../../cli/main.js";
import { memoryIo } from "../../cli/io.js";

interface Totals {
  macs: number;
  mults: number;
  cycles: number;
  energy_pj: { total: number };
}

describe("sumac compare", function () {
  this.timeout(180_000);

  it("Struct-ResNet-56-A: structured multiplications below 0.6× dense, both reports and the ratios in the JSON", async () => {
    const io = memoryIo();
    const code = await main(["compare", "resnet56:struct-a", "--hw", "edge", "--timing-only", "--json", "-"], io);
    expect(code, io.err).to.equal(0);
    const j = JSON.parse(io.out) as {
      dense: { totals: Totals; mode: string };
      structured: { totals: Totals; mode: string };
      ratios: Record<string, number>;
    };
    expect(j.dense.mode).to.equal("dense");
    expect(j.structured.mode).to.equal("structured");
    // Dense MACs of ResNet-56 on CIFAR-10 (paper-counts.md §2, conv + FC): 125,485,696.
    expect(j.dense.totals.macs).to.equal(125_485_696);
    expect(j.ratios["mults"]).to.be.below(0.6);
    expect(j.ratios["mults"]).to.be.closeTo(j.structured.totals.mults / j.dense.totals.mults, 1e-12);
    expect(j.ratios["cycles"]).to.be.closeTo(j.structured.totals.cycles / j.dense.totals.cycles, 1e-12);
    expect(j.structured.totals.energy_pj.total).to.be.below(j.dense.totals.energy_pj.total);
  });

  it("prints the side-by-side table on a terminal-less stdout and writes an HTML file", async () => {
    const io = memoryIo();
    const code = await main(
      ["compare", "resnet20:struct-a", "--hw", "tiny", "--timing-only", "--html", "out/test-compare.html"],
      io,
    );
    expect(code, io.err).to.equal(0);
    expect(io.out).to.match(/multiplications\s+40,905,418/);
    expect(io.out).not.to.contain("\u001b["); // no colour codes when not a terminal
    const html = new TextDecoder().decode(io.files.get("out/test-compare.html"));
    expect(html.match(/<figure class="chart"/g)?.length).to.be.at.least(4);
    expect(html).not.to.match(/<script|https?:\/\/(?!www\.w3\.org)/); // self-contained: no scripts, no fetched resources
  });

  it("prints the E policy and, with --iso-area, dense on a same-area machine without the sum-pool unit", async () => {
    const io = memoryIo();
    const code = await main(
      [
        "compare",
        "resnet20:struct-a",
        "--hw",
        "tiny",
        "--timing-only",
        "--iso-area",
        "--json",
        "-",
        "--html",
        "out/test-iso.html",
      ],
      io,
    );
    expect(code, io.err).to.equal(0);
    const j = JSON.parse(io.out) as {
      dense: { totals: Totals & { area_mm2: { total: number } } };
      structured: { totals: Totals & { area_mm2: { total: number } } };
      e_policy: { policy: string; layers_by_bits: Record<string, number>; shifted_layers: number };
      iso_area: {
        variant: string;
        hw: { id: string; area_mm2: number };
        structured_area_mm2: number;
        dense: { totals: Totals; hw: { resolved: { mac: { rows: number; cols: number; actBits: number } } } };
        ratios: Record<string, number>;
      };
    };
    // Exact E: each structured layer's window (cin - c + 1) x (k - n + 1)^2 of int8 values needs the narrowest
    // of 8/16/32 bits that holds 127 x window (from the structure `sumac inspect` reports).
    const ins = memoryIo();
    expect(await main(["inspect", "resnet20:struct-a", "--json", "-"], ins)).to.equal(0);
    const layers = (
      JSON.parse(ins.out) as {
        layers: { kind: string; structured: boolean; cin: number; c: number; k: number; n: number }[];
      }
    ).layers.filter((l) => l.kind === "conv" && l.structured);
    const want: Record<string, number> = {};
    for (const l of layers) {
      const worst = 127 * (l.cin - l.c + 1) * (l.k - l.n + 1) ** 2;
      const bits = worst <= 127 ? 8 : worst <= 32767 ? 16 : 32;
      want[String(bits)] = (want[String(bits)] ?? 0) + 1;
    }
    expect(j.e_policy.policy).to.equal("exact");
    expect(j.e_policy.layers_by_bits).to.deep.equal(want);
    expect(j.e_policy.shifted_layers).to.equal(0);
    // The same-area machine: no sum-pool unit or pool buffer, at least the MAC array it had, no more area.
    expect(j.iso_area.variant).to.equal("mac");
    expect(j.iso_area.hw.id)
      .to.match(/-p0x\d+/)
      .and.to.match(/-pool0k-/);
    const mac = j.iso_area.dense.hw.resolved.mac;
    expect(mac.rows * mac.cols).to.be.at.least(64);
    expect(mac.actBits).to.equal(8);
    expect(j.iso_area.hw.area_mm2).to.be.at.most(j.iso_area.structured_area_mm2);
    expect(j.iso_area.structured_area_mm2).to.be.closeTo(j.structured.totals.area_mm2.total, 1e-9);
    expect(j.iso_area.dense.totals.macs).to.equal(j.dense.totals.macs);
    expect(j.iso_area.ratios["energy_uj"]).to.be.closeTo(
      j.structured.totals.energy_pj.total / j.iso_area.dense.totals.energy_pj.total,
      1e-12,
    );
    // The HTML report shows both ratios and names both machines.
    const html = new TextDecoder().decode(io.files.get("out/test-iso.html"));
    expect(html).to.contain("<h2>Same machine and same area</h2>");
    expect(html).to.contain(j.iso_area.hw.id);
    expect(html).to.contain("<h2>Sum-pool output E</h2>");
  });

  it("--e-bits 8 is lossy and says so: every structured layer shifted, the output error against fp32 measured", async () => {
    const io = memoryIo();
    const code = await main(["compare", "resnet20:struct-a", "--hw", "tiny", "--e-bits", "8"], io);
    expect(code, io.err).to.equal(0);
    expect(io.out).to.contain(
      "E (sum-pool output): narrowed to 8 bits by a calibrated right shift (lossy, --e-bits 8)",
    );
    // ResNet-20's 9 blocks x 2 convs are structured; each window needs 16 bits, so each is shifted to 8
    expect(io.out).to.match(/18 layer\(s\) shift E right by \d(–\d)? bit\(s\)/);
    expect(io.out).to.match(/structured int8 output vs the fp32 structured network on this input: cosine 0\.9\d+/);
    expect(io.out).to.match(/with exact E instead: +cosine 0\.9\d+/);
  });

  it("an unknown model is bad input (exit 2, one line)", async () => {
    const io = memoryIo();
    expect(await main(["compare", "resnet57"], io)).to.equal(2);
    expect(io.err.trim().split("\n")).to.have.length(1);
    expect(io.err).to.contain("resnet56");
  });
});
