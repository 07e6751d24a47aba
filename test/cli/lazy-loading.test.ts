// Start-up cost (issue 12): each command loads only what it uses. Checked on the static import graph of the
// sources — what Node loads before a line of the command runs — from each entry point: `import type` is erased,
// everything else (with verbatimModuleSyntax, `import { type X }` too) is loaded; `await import()` is not followed,
// except that isa/chevrotain.ts loads chevrotain's bundle when it is evaluated (top-level await).
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..", "..");

/** Module specifiers a source file loads when it is imported. */
function staticImports(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  const specs: string[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?([^"';]*?\s+from\s+)?["']([^"']+)["']/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) if (!m[2]) specs.push(m[4]!);
  return specs;
}

/** Every module (our sources relative to the root, packages by name) loaded when `entry` is imported. */
function closure(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [path.join(ROOT, entry)];
  while (todo.length) {
    const file = todo.pop()!;
    const rel = path.relative(ROOT, file);
    if (seen.has(rel)) continue;
    seen.add(rel);
    if (rel === path.join("isa", "chevrotain.ts")) seen.add("chevrotain");
    for (const spec of staticImports(file)) {
      if (spec.startsWith("node:")) continue;
      if (spec.startsWith(".")) todo.push(path.resolve(path.dirname(file), spec).replace(/\.js$/, ".ts"));
      else seen.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);
    }
  }
  return seen;
}

const HEAVY_PACKAGES = ["vega", "vega-lite", "chevrotain", "protobufjs", "onnxruntime-node", "cli-progress"];
const under = (dirs: readonly string[]) => (m: string) => dirs.some((d) => m.startsWith(`${d}/`));

describe("lazy loading", () => {
  it("sumac --help loads yargs and the command list, no command, compiler, simulator or model frontend", () => {
    const mods = [...closure("cli/sumac.ts")];
    expect(mods.filter(under(["compiler", "simulator", "models", "cli/commands"]))).to.deep.equal([]);
    expect(mods.filter((m) => HEAVY_PACKAGES.includes(m) || m === "chalk")).to.deep.equal([]);
    expect(mods).to.include.members(["yargs", "cli/command-list.ts"]);
  });

  it("sumac hw loads the hardware config only", () => {
    const mods = [...closure("cli/commands/hw.ts")];
    expect(mods.filter(under(["compiler", "simulator", "models"]))).to.deep.equal([]);
    expect(mods.filter((m) => HEAVY_PACKAGES.includes(m))).to.deep.equal([]);
  });

  it("sumac run loads the compiler and simulator but no assembler, ONNX decoder or chart library", () => {
    const mods = closure("cli/commands/run.ts");
    expect(mods).to.include.members(["compiler/compile.ts", "simulator/simulate.ts", "models/zoo.ts"]);
    for (const m of ["vega", "vega-lite", "protobufjs", "isa/asm/assemble.ts"]) expect(mods.has(m), m).to.equal(false);
  });

  it("vega and vega-lite load only when a chart is rendered, protobufjs only when an ONNX file is read", () => {
    const everyCommand = fs.readdirSync(path.join(ROOT, "cli/commands")).map((f) => `cli/commands/${f}`);
    for (const entry of everyCommand) {
      const mods = closure(entry);
      for (const m of ["vega", "vega-lite", "protobufjs"]) expect(mods.has(m), `${entry} loads ${m}`).to.equal(false);
    }
  });

  it("the scanner sees static imports and skips type-only ones", () => {
    const mods = closure("cli/html/charts.ts");
    expect(mods.has("vega-lite"), "charts.ts imports vega-lite's types only").to.equal(false);
    expect(closure("models/net/parser.ts").has("chevrotain")).to.equal(true); // through isa/chevrotain.ts
  });
});
