// The ONNX frontend's entry point: bytes → graph IR, with the weights policy of DESIGN §6 (`--weights random`).
import { InputError } from "../../isa/errors.js";
import type { Graph } from "../ir.js";
import { initGraphWeights } from "../weights.js";
import { importOnnx } from "./import.js";

export interface LoadOnnxOptions {
  /** The model file: named in errors; external data files are resolved relative to it. */
  readonly path: string;
  /** Reads a file next to the model (external data); null when it does not exist. */
  readonly readFile: (path: string) => Uint8Array | null;
  /**
   * "file" (default): weights from the model and its external data; when that file is absent, weights are null
   * and `graph.missingWeights` names it (shape-only work still runs; `requireWeights` refuses functional runs).
   * "random": like "file", but layers whose weights are absent get seeded random weights.
   * "none": never read external data files (fast shape-only import).
   */
  readonly weights?: "file" | "random" | "none";
  /** Seed for "random" (default "sumac"). */
  readonly seed?: string;
}

export function loadOnnx(bytes: Uint8Array, opts: LoadOnnxOptions): Graph {
  const mode = opts.weights ?? "file";
  const { graph, missingData } = importOnnx(bytes, {
    path: opts.path,
    readFile: opts.readFile,
    skipExternal: mode === "none",
  });
  if (missingData.length === 0) return graph;
  const missingWeights = { model: opts.path, dataFile: missingData.join("', '") };
  if (mode === "random") {
    const filled = initGraphWeights(graph, opts.seed ?? "sumac");
    return { ...filled, randomWeights: true };
  }
  return { ...graph, missingWeights };
}

/** For functional runs: refuses a graph whose weights are absent, with the one-line fix. */
export function requireWeights(graph: Graph): void {
  const m = graph.missingWeights;
  if (m)
    throw new InputError(
      `${m.model}: weights are in '${m.dataFile}', which is missing; use --weights random to run with seeded random weights`,
    );
  const empty = graph.nodes.find(
    (n) =>
      ((n.op === "conv" || n.op === "fc") && n.weight === null) ||
      (n.op === "bn" && (n.scale === null || n.shift === null)),
  );
  if (empty)
    throw new InputError(
      `${graph.name}: layer '${empty.name}' has no weights; use --weights random to run with seeded random weights`,
    );
}
