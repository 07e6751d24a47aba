// docs/isa.md is generated from the table; this keeps the committed copy current.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { REGENERATE_COMMAND, isaReferenceMarkdown } from "../../isa/doc.js";
import { INSTRUCTIONS } from "../../isa/instructions.js";

describe("isa reference (docs/isa.md)", () => {
  const generated = isaReferenceMarkdown();

  it("documents every instruction with its opcode, a field table and an example", () => {
    for (const r of INSTRUCTIONS) {
      expect(generated).to.contain(`### \`${r.mnemonic}\`\n\nopcode ${r.opcode} ·`);
      for (const f of r.fields) expect(generated).to.contain(`| \`${f.name}\` |`);
    }
    expect(generated).to.contain("| 0..4 | `opcode` |");
    expect(generated).to.contain("16 bytes, little-endian");
    // conv's cout: 12 bits after 15 header bits and dst16 sbuf1 src16 wgt16 c12 h10 w10 kh3 kw3 stride2 dil2 = bit 106
    expect(generated).to.contain("| 106..117 | `cout` | 1..4096 | value − 1 |");
  });

  it("docs/isa.md equals the generated text", () => {
    const committed = readFileSync(new URL("../../docs/isa.md", import.meta.url), "utf8");
    expect(committed === generated, `docs/isa.md is stale: regenerate it with \`${REGENERATE_COMMAND}\``).to.equal(
      true,
    );
  });
});
