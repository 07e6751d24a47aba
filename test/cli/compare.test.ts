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

  it("an unknown model is bad input (exit 2, one line)", async () => {
    const io = memoryIo();
    expect(await main(["compare", "resnet57"], io)).to.equal(2);
    expect(io.err.trim().split("\n")).to.have.length(1);
    expect(io.err).to.contain("resnet56");
  });
});
