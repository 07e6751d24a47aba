// The version of this sumac installation, from its package.json (found above this module, from source or dist/).
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

export function sumacVersion(): string {
  if (cached !== undefined) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name === "sumac" && typeof pkg.version === "string") return (cached = pkg.version);
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error("internal: cannot find sumac's package.json above cli/version.ts");
    dir = up;
  }
}
