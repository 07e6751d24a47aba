// The layering of DESIGN §7, checked on the real import graph: isa/ imports nothing of ours outside isa/;
// simulator/ imports only isa/; compiler/ and models/ never import simulator/ or cli/; nothing imports cli/
// except cli/ (and tests).
import { expect } from "chai";
import * as path from "node:path";
import { Project } from "ts-morph";

const ROOT = path.resolve(import.meta.dirname, "..");
const LAYERS = ["isa", "models", "compiler", "simulator", "cli", "bench"] as const;
type Layer = (typeof LAYERS)[number];

/** Which of our folders each folder may import. */
const ALLOWED: Record<Layer, readonly Layer[]> = {
  isa: ["isa"],
  simulator: ["simulator", "isa"],
  models: ["models", "isa"],
  compiler: ["compiler", "models", "isa"],
  cli: ["cli", "compiler", "models", "simulator", "isa"],
  bench: ["bench", "cli", "compiler", "models", "simulator", "isa"],
};

function layerOf(file: string): Layer | null {
  const rel = path.relative(ROOT, file).split(path.sep);
  const top = rel[0] as Layer;
  return (LAYERS as readonly string[]).includes(top) ? top : null;
}

describe("architecture", function () {
  this.timeout(60_000);

  it("every import respects the layering of DESIGN §7", () => {
    const project = new Project({
      tsConfigFilePath: path.join(ROOT, "tsconfig.json"),
      skipAddingFilesFromTsConfig: false,
    });
    const violations: string[] = [];
    let edges = 0;
    for (const sf of project.getSourceFiles()) {
      const from = layerOf(sf.getFilePath());
      if (from === null) continue;
      const deps = [
        ...sf.getImportDeclarations().map((d) => d.getModuleSpecifierSourceFile()),
        ...sf.getExportDeclarations().map((d) => d.getModuleSpecifierSourceFile()),
      ];
      for (const dep of deps) {
        if (!dep || dep.isInNodeModules()) continue;
        const to = layerOf(dep.getFilePath());
        if (to === null) continue;
        edges++;
        if (!ALLOWED[from].includes(to))
          violations.push(`${path.relative(ROOT, sf.getFilePath())} imports ${path.relative(ROOT, dep.getFilePath())}`);
      }
    }
    expect(edges, "the import graph was read").to.be.greaterThan(5);
    expect(violations).to.deep.equal([]);
  });
});
