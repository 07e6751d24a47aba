// `sumac count <model> [--json F]`: adds, mults, params and MACs in the paper's counting convention, per layer and total.
import type { SumacCommand } from "../command.js";
import { countGraph, paperUnits, type CountReport, type LayerCount } from "../../models/count.js";
import type { Graph } from "../../models/ir.js";
import { loadModel } from "../../models/zoo.js";

const int = (x: number): string => x.toLocaleString("en-US");

function structureText(l: LayerCount): string {
  if (l.kind === "conv") return l.c === l.cin / l.groups && l.n === l.k ? "dense" : `c=${l.c} n=${l.n}`;
  if (l.kind === "fc") return l.R === l.cin ? "dense" : `R=${l.R}`;
  return "";
}

function table(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** The per-layer table, then the totals in the paper's units (Table 1: ×1e6; Tables 2–3: ×1e9; params ×1e6). */
export function formatCount(report: CountReport, graph: Graph): string {
  const header = ["layer", "kind", "cin", "cout", "k", "s", "g", "structure", "out", "adds", "mults", "params", "MACs"];
  const rows = report.layers.map((l) => [
    l.name,
    l.kind,
    String(l.cin),
    String(l.cout),
    String(l.k),
    String(l.stride),
    String(l.groups),
    structureText(l),
    `[${l.outShape.join(",")}]`,
    int(l.adds),
    int(l.mults),
    int(l.params),
    int(l.macs),
  ]);
  const u = paperUnits(graph);
  const t = report.totals;
  const lines = [
    `model ${report.model}: ${report.layers.length} counted layers (paper convention: BN scale/shift counted, ReLU, pooling and residual adds not)`,
    table([header, ...rows], new Set([2, 3, 4, 5, 6, 9, 10, 11, 12])),
    "",
    `total  adds   ${(t.adds / u.ops).toFixed(2).padStart(8)} ${u.opsLabel}  (${int(t.adds)})`,
    `       mults  ${(t.mults / u.ops).toFixed(2).padStart(8)} ${u.opsLabel}  (${int(t.mults)})`,
    `       params ${(t.params / u.params).toFixed(t.params < 0.1 * u.params ? 3 : 2).padStart(8)} ${u.paramsLabel}  (${int(t.params)})`,
    `       MACs   ${(t.macs / u.ops).toFixed(2).padStart(8)} ${u.opsLabel}  (${int(t.macs)})`,
  ];
  return `${lines.join("\n")}\n`;
}

export const countCommand: SumacCommand = {
  builder: (y) =>
    y
      .positional("model", {
        type: "string",
        describe: "zoo name (resnet56, resnet56:struct-a), a .net file, or an .onnx file",
      })
      .option("json", {
        type: "string",
        requiresArg: true,
        describe: 'write { model, totals, layers } as JSON to this file ("-": stdout)',
      }),
  examples: [
    ["sumac count resnet56:struct-a", "per-layer counts of Struct-56-A and totals in the paper's units"],
    ["sumac count resnet18 --json -", "the same as JSON on stdout"],
  ],
  handler: (args, { io }) => {
    const graph = loadModel(String(args.model), { readFile: io.readFile, weights: "none" });
    const report = countGraph(graph);
    const json = args.json as string | undefined;
    if (json !== undefined) {
      const text = `${JSON.stringify(report, null, 1)}\n`;
      if (json === "-") {
        io.stdout(text);
        return 0;
      }
      io.writeFile(json, text);
    }
    io.stdout(formatCount(report, graph));
    return 0;
  },
};
