// `sumac models`: the zoo, with each model's dataset, variants and dense MAC count.
import type { SumacCommand } from "../command.js";
import { countGraph } from "../../models/count.js";
import { listModels, loadModel } from "../../models/zoo.js";

function si(x: number): string {
  return x >= 1e9 ? `${(x / 1e9).toFixed(2)}G` : `${(x / 1e6).toFixed(2)}M`;
}

export const modelsCommand: SumacCommand = {
  builder: (y) =>
    y.option("json", {
      type: "string",
      requiresArg: true,
      describe: 'write the list as JSON to this file ("-": stdout)',
    }),
  examples: [["sumac models", "the zoo as a table"]],
  handler: (args, { io }) => {
    const rows = listModels().map((m) => {
      const dense = countGraph(loadModel(m.name, { readFile: io.readFile, weights: "none" }));
      return { ...m, denseMacs: dense.totals.macs, denseParams: dense.totals.params };
    });
    const json = args.json as string | undefined;
    if (json !== undefined) {
      const text = `${JSON.stringify(rows, null, 1)}\n`;
      if (json === "-") {
        io.stdout(text);
        return 0;
      }
      io.writeFile(json, text);
    }
    const cells = [
      ["model", "dataset", "variants", "dense MACs", "params", "description"],
      ...rows.map((r) => [
        r.name,
        r.dataset,
        r.variants.map((v) => `:${v}`).join(" "),
        si(r.denseMacs),
        `${(r.denseParams / 1e6).toFixed(2)}M`,
        r.description,
      ]),
    ];
    const widths = cells[0]!.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
    const text = cells
      .map((c) =>
        c
          .map((x, i) => (i === 3 || i === 4 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!)))
          .join("  ")
          .trimEnd(),
      )
      .join("\n");
    io.stdout(
      `${text}\n\nA model is NAME or NAME:VARIANT (default :dense); a .net or .onnx file works wherever a model does.\n`,
    );
    return 0;
  },
};
