// Regenerates docs/compare.png, the README's picture of the comparison report: `npm start`, then
// `npx tsx scripts/screenshot.ts` (needs /usr/bin/chromium: scripts/install-browser.sh).
import { chromium } from "playwright-core";
import * as path from "node:path";

const page = path.resolve(process.argv[2] ?? "out/compare.html");
const out = process.argv[3] ?? "docs/compare.png";
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});
const p = await browser.newPage({ viewport: { width: 1250, height: 1500 }, deviceScaleFactor: 1 });
await p.goto(`file://${page}`);
await p.screenshot({ path: out, fullPage: false });
await browser.close();
console.log(`wrote ${out}`);
