// A resolved config written back as a document resolves to the same machine: same id, same hash, same prices.
import { expect } from "chai";
import { resolveHw } from "../../isa/hw/config.js";
import { hwDocument } from "../../isa/hw/document.js";

describe("hw document round trip", () => {
  const cases = [
    { preset: "edge" },
    { preset: "tiny" },
    { preset: "edge", sets: ["mac.rows=32", "energy.mac.mult8=0.25", "dram.ideal=true"] },
    { preset: "tiny", sets: ["sram.act.kib=32", "pool.outBits=32", "mac.dataflow=os"] },
  ];
  for (const opts of cases) {
    it(`${opts.preset} ${(opts.sets ?? []).join(" ")}`.trim(), () => {
      const hw = resolveHw(opts);
      const doc = hwDocument(hw);
      const back = resolveHw({ file: { path: "hw.json", text: JSON.stringify(doc) } });
      expect(back.id).to.equal(hw.id);
      expect(back.hash).to.equal(hw.hash);
      expect(back.energy["mac.mult8"]?.value).to.equal(hw.energy["mac.mult8"]?.value);
      // only overridden prices are written: a preset document carries no price table
      if (!opts.sets) expect(doc).not.to.have.property("energy");
      else if (opts.sets.some((s) => s.startsWith("energy.")))
        expect(Object.keys(doc["energy"] as object)).to.deep.equal(["mac.mult8"]);
    });
  }
});
