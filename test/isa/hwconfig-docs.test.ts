// The generated hardware-config docs must match the schema. Regenerate with:
//   UPDATE_GOLDEN=1 npx mocha test/isa/hwconfig-docs.test.ts
import { expect } from "chai";
import * as fs from "node:fs";
import { fileURLToPath } from "node:url";
import { hwJsonSchema, hwReferenceMarkdown } from "../../isa/hw/docs.js";
import { LEAVES } from "../../isa/hw/schema.js";
import { ACTION_COUNTER_NAMES } from "../../isa/counters.js";

const docs = (name: string) => fileURLToPath(new URL(`../../docs/${name}`, import.meta.url));
const update = process.env["UPDATE_GOLDEN"] === "1";

function fresh(name: string, text: string): void {
  if (update) fs.writeFileSync(docs(name), text);
  expect(
    fs.existsSync(docs(name)),
    `docs/${name} is missing: run UPDATE_GOLDEN=1 npx mocha ${"test/isa/hwconfig-docs.test.ts"}`,
  ).to.equal(true);
  expect(fs.readFileSync(docs(name), "utf8"), `docs/${name} is stale: regenerate it`).to.equal(text);
}

describe("hardware config docs", () => {
  it("docs/hw-config.schema.json is fresh", () => {
    fresh("hw-config.schema.json", `${JSON.stringify(hwJsonSchema(), null, 2)}\n`);
  });

  it("docs/hw-config.md is fresh", () => {
    fresh("hw-config.md", hwReferenceMarkdown());
  });

  it("the JSON Schema describes every scalar key and every counter's price", () => {
    const s = hwJsonSchema() as { properties: Record<string, { properties: Record<string, unknown> }> };
    for (const [path] of LEAVES) {
      const parts = path.split(".");
      let node: { properties?: Record<string, unknown> } | undefined = s;
      for (const p of parts) node = node?.properties?.[p] as typeof node;
      expect(node, path).to.be.an("object");
    }
    for (const c of ACTION_COUNTER_NAMES) expect(s.properties["energy"]!.properties[c], c).to.be.an("object");
  });

  it("the markdown reference lists every key", () => {
    const md = hwReferenceMarkdown();
    for (const [path] of LEAVES) expect(md).to.contain(`\`${path}\``);
    for (const c of ACTION_COUNTER_NAMES) expect(md).to.contain(`\`energy.${c}\``);
  });
});
