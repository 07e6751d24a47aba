// `sumac inspect <model>`: every conv/fc layer with its shapes and structure (c, n) / R, compression and
// structural residual (DESIGN §1 detection, §6 `inspect --json` schema).
import type { SumacCommand } from "../command.js";
import { InputError } from "../../isa/errors.js";
import {
  DEFAULT_TOL,
  inspectGraph,
  parseStructFile,
  type InspectLayer,
  type InspectReport,
} from "../../models/inspect.js";
import { loadGraphFromArgs } from "../model-options.js";
import type { Io } from "../io.js";

const num = (x: number | null, digits = 2): string =>
  x === null ? "?" : Number.isInteger(x) ? String(x) : x.toFixed(digits);
const sci = (x: number | null): string => (x === null ? "?" : x === 0 ? "0" : x.toExponential(1));

function structureCell(l: InspectLayer): string {
  if (l.structured === "unknown") return "?";
  return l.kind === "fc" ? `R=${l.R}` : `c=${l.c} n=${l.n}`;
}

function shapeCell(l: InspectLayer): string {
  if (l.kind === "fc") return `${l.cin}→${l.cout}`;
  return `${l.cin}→${l.cout} ${l.k}×${l.k}${l.stride > 1 ? `/${l.stride}` : ""}${l.groups > 1 ? ` g${l.groups}` : ""}`;
}

/** Weight count of a layer, dense and as structured (c·n² per kernel, P·R for fc); null when unknown. */
function weightCounts(l: InspectLayer): { dense: number; structured: number | null } {
  if (l.kind === "fc") return { dense: l.cin * l.cout, structured: l.R === null ? null : l.R * l.cout };
  const dense = l.cout * (l.cin / l.groups) * l.k * l.k;
  return { dense, structured: l.c === null || l.n === null ? null : l.cout * l.c * l.n * l.n };
}

export function formatInspectText(r: InspectReport): string {
  const header = ["layer", "kind", "shape", "structure", "compression", "residual", "structured"];
  const rows = r.layers.map((l) => [
    l.name,
    l.kind,
    shapeCell(l),
    structureCell(l),
    l.compression === null ? "?" : `${num(l.compression)}×`,
    sci(l.residual),
    l.structured === "unknown" ? "unknown" : l.structured ? `yes (${l.source})` : "no",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 4 && i <= 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const out = [`model ${r.model}  (tolerance ${r.tol})`, line(header), ...rows.map(line)];
  const structured = r.layers.filter((l) => l.structured === true).length;
  const unknown = r.layers.filter((l) => l.structured === "unknown").length;
  const counts = r.layers.map(weightCounts);
  const dense = counts.reduce((s, c) => s + c.dense, 0);
  out.push("");
  out.push(
    `${r.layers.length} layers: ${structured} structured, ${r.layers.length - structured - unknown} dense${unknown ? `, ${unknown} unknown (no weights)` : ""}`,
  );
  if (counts.every((c) => c.structured !== null)) {
    const small = counts.reduce((s, c) => s + c.structured!, 0);
    out.push(
      `conv/fc weights: ${dense.toLocaleString("en")} dense → ${small.toLocaleString("en")} structured (${num(dense / small)}× smaller)`,
    );
  } else {
    out.push(
      `conv/fc weights: ${dense.toLocaleString("en")} dense; structure unknown without weights (use --weights random, or --struct FILE.json)`,
    );
  }
  return `${out.join("\n")}\n`;
}

function readText(io: Io, path: string): string {
  try {
    return new TextDecoder().decode(io.readFile(path));
  } catch {
    throw new InputError(`${path}: no such file`);
  }
}

export const inspectCommand: SumacCommand = {
  builder: (y) =>
    y
      .positional("model", { type: "string", describe: "zoo name (resnet56:struct-a), a .net file or an .onnx file" })
      .option("json", {
        type: "string",
        requiresArg: true,
        describe: "write the report as JSON to this file ('-' for stdout)",
      })
      .option("tol", { type: "number", default: DEFAULT_TOL, describe: "structural residual tolerance for detection" })
      .option("struct", {
        type: "string",
        requiresArg: true,
        describe: "structure per layer, JSON {layer: {c, n} | {R}}: projected, residual reported",
      })
      .option("weights", {
        choices: ["random", "file"] as const,
        describe: "random: seeded random weights where the model has none",
      })
      .option("seed", { type: "string", default: "sumac", describe: "seed for random weights" }),
  examples: [
    ["sumac inspect resnet56:struct-a", "structure of every layer of a zoo model"],
    ["sumac inspect model.onnx --json -", "detect the structure of an exported network, as JSON"],
  ],
  handler: (args, ctx) => {
    const tol = Number(args["tol"] ?? DEFAULT_TOL);
    if (!(tol > 0 && tol < 1)) throw new InputError(`--tol ${String(args["tol"])}: expected a number between 0 and 1`);
    const graph = loadGraphFromArgs(args, ctx.io);
    const structPath = args["struct"] as string | undefined;
    const structFile = structPath ? parseStructFile(readText(ctx.io, structPath), structPath) : undefined;
    const report = inspectGraph(graph, { tol, ...(structFile ? { structFile } : {}) });
    const json = args["json"] as string | undefined;
    const text = `${JSON.stringify(report, null, 2)}\n`;
    if (json === "-") ctx.io.stdout(text);
    else {
      ctx.io.stdout(formatInspectText(report));
      if (json) ctx.io.writeFile(json, text);
    }
    return 0;
  },
};
