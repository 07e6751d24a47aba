// The HTML report in a real browser: Debian's Chromium (installed by scripts/install-browser.sh, which .ci/run calls)
// driven by playwright-core. Checks that every chart is rendered and visible, and keeps a screenshot in out/.
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { chromium } from "playwright-core";
import { main } from "../../cli/main.js";
import { nodeIo } from "../../cli/io.js";

const CHROMIUM = "/usr/bin/chromium";
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

describe("HTML report in headless Chromium", function () {
  this.timeout(180_000);

  it("renders at least four visible charts with axes and marks", async () => {
    expect(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/install-browser.sh`).to.equal(true);
    const file = path.resolve("out/browser-test/compare.html");
    const io = { ...nodeIo(), stdout: () => {} };
    expect(await main(["compare", "resnet20:struct-a", "--hw", "tiny", "--timing-only", "--html", file], io)).to.equal(
      0,
    );

    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const failed: string[] = [];
      page.on("requestfailed", (r) => failed.push(r.url()));
      await page.goto(`file://${file}`);
      const charts = page.locator("figure.chart svg");
      const n = await charts.count();
      expect(n).to.be.at.least(4);
      for (let i = 0; i < n; i++) {
        const svg = charts.nth(i);
        expect(await svg.isVisible()).to.equal(true);
        const box = await svg.boundingBox();
        expect(box && box.width > 200 && box.height > 100, `chart ${i} is too small: ${JSON.stringify(box)}`).to.equal(
          true,
        );
        // drawn marks: bars (paths) or points and text labels on the axes
        expect(await svg.locator("path").count()).to.be.greaterThan(3);
        expect(await svg.locator("text").count()).to.be.greaterThan(3);
      }
      expect(await page.locator("table").first().isVisible()).to.equal(true);
      expect(failed, "the page fetched nothing from the network").to.deep.equal([]);
      await page.screenshot({ path: "out/browser-test/compare.png", fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
