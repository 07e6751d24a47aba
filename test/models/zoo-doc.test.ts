// docs/zoo.md's paper-vs-computed table must equal what the zoo computes now (regenerate with SUMAC_UPDATE_DOCS=1).
import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import { BEGIN, END, zooDocTable } from "./zoo-doc.js";

describe("docs/zoo.md", () => {
  it("holds the current paper-vs-computed table", () => {
    const url = new URL("../../docs/zoo.md", import.meta.url);
    const doc = readFileSync(url, "utf8");
    const start = doc.indexOf(BEGIN);
    const end = doc.indexOf(END);
    expect(start, "docs/zoo.md lacks the generated-table markers").to.be.at.least(0);
    const fresh = zooDocTable();
    const current = doc.slice(start, end + END.length);
    if (process.env.SUMAC_UPDATE_DOCS === "1" && current !== fresh)
      writeFileSync(url, doc.slice(0, start) + fresh + doc.slice(end + END.length));
    else expect(current, "stale table: run SUMAC_UPDATE_DOCS=1 npx mocha test/models/zoo-doc.test.ts").to.equal(fresh);
  });
});
