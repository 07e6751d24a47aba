// Per-layer structure report (DESIGN §1 detection, §6 `inspect --json` schema): for every conv and fc in
// execution order, its shapes and its structure (c, n) / R — taken from the model, projected from a structure
// file, or detected on the weights (BN folding scales whole kernels, which keeps them structured).
import { InputError } from "../isa/errors.js";
import type { ConvNode, FcNode, Graph } from "./ir.js";
import { detectConv } from "./structure/detect.js";
import { detectFc, projectFc } from "./structure/fc.js";
import { projectConv } from "./structure/project.js";

export type StructSpec = { readonly c: number; readonly n: number } | { readonly R: number };

export interface InspectOptions {
  /** Relative residual below which a candidate structure is accepted (DESIGN §1; default 1e-3). */
  readonly tol?: number;
  /** Layer name → given structure; projected onto the layer's weights, residual reported. */
  readonly structFile?: Readonly<Record<string, StructSpec>>;
}

export interface InspectLayer {
  readonly name: string;
  readonly kind: "conv" | "fc";
  readonly cin: number;
  readonly cout: number;
  readonly k: number;
  readonly stride: number;
  readonly groups: number;
  /** Structure parameters; null where they do not apply (c, n for fc; R for conv) or are unknown (no weights). */
  readonly c: number | null;
  readonly n: number | null;
  readonly R: number | null;
  /** Dense parameter count over structured (C·N²/(c·n²), or Q/R); 1 when unstructured. */
  readonly compression: number | null;
  readonly residual: number | null;
  /** "unknown" when the weights are absent and no structure was given. */
  readonly structured: boolean | "unknown";
  /** Where the structure came from. */
  readonly source: "model" | "file" | "detected" | "none";
}

export interface InspectReport {
  readonly model: string;
  readonly tol: number;
  readonly layers: readonly InspectLayer[];
}

export const DEFAULT_TOL = 1e-3;

function unknownStructure(): Pick<
  InspectLayer,
  "c" | "n" | "R" | "compression" | "residual" | "structured" | "source"
> {
  return { c: null, n: null, R: null, compression: null, residual: null, structured: "unknown", source: "none" };
}

function inspectConv(node: ConvNode, tol: number, given: StructSpec | undefined, graphName: string): InspectLayer {
  const C = node.cin / node.groups;
  const N = node.kh;
  const base = {
    name: node.name,
    kind: "conv" as const,
    cin: node.cin,
    cout: node.cout,
    k: node.kh,
    stride: node.stride,
    groups: node.groups,
  };
  const result = (c: number, n: number, residual: number, source: InspectLayer["source"]): InspectLayer => ({
    ...base,
    c,
    n,
    R: null,
    compression: (C * N * N) / (c * n * n),
    residual,
    structured: c < C || n < N,
    source,
  });
  if (given) {
    if (!("c" in given))
      throw new InputError(`${graphName}: structure for conv layer '${node.name}' must be {c, n}, got {R}`);
    const { c, n } = given;
    if (!Number.isInteger(c) || !Number.isInteger(n) || c < 1 || c > C || n < 1 || n > N || node.kh !== node.kw)
      throw new InputError(
        `${graphName}: structure (c=${c}, n=${n}) does not fit conv layer '${node.name}' (C=${C}, kernel ${node.kh}×${node.kw})`,
      );
    if (!node.weight) return { ...result(c, n, NaN, "file"), residual: null };
    return result(c, n, projectConv(node.weight, node.cout, C, N, c, n).residual, "file");
  }
  if (node.structure) return result(node.structure.c, node.structure.n, node.structure.residual, "model");
  if (!node.weight) return { ...base, ...unknownStructure() };
  if (node.kh !== node.kw) return result(C, N, 0, "detected");
  const d = detectConv(node.weight, node.cout, C, N, tol);
  return result(d.c, d.n, d.residual, "detected");
}

function inspectFc(node: FcNode, tol: number, given: StructSpec | undefined, graphName: string): InspectLayer {
  const base = { name: node.name, kind: "fc" as const, cin: node.Q, cout: node.P, k: 1, stride: 1, groups: 1 };
  const result = (R: number, residual: number | null, source: InspectLayer["source"]): InspectLayer => ({
    ...base,
    c: null,
    n: null,
    R,
    compression: node.Q / R,
    residual,
    structured: R < node.Q,
    source,
  });
  if (given) {
    if (!("R" in given))
      throw new InputError(`${graphName}: structure for fc layer '${node.name}' must be {R}, got {c, n}`);
    if (!Number.isInteger(given.R) || given.R < 1 || given.R > node.Q)
      throw new InputError(`${graphName}: structure R=${given.R} does not fit fc layer '${node.name}' (Q=${node.Q})`);
    return result(given.R, node.weight ? projectFc(node.weight, node.P, node.Q, given.R).residual : null, "file");
  }
  if (node.structure) return result(node.structure.R, node.structure.residual, "model");
  if (!node.weight) return { ...base, ...unknownStructure() };
  const d = detectFc(node.weight, node.P, node.Q, tol);
  return result(d.R, d.residual, "detected");
}

export function inspectGraph(graph: Graph, opts: InspectOptions = {}): InspectReport {
  const tol = opts.tol ?? DEFAULT_TOL;
  if (!(tol > 0)) throw new InputError(`--tol ${tol}: the tolerance must be a positive number`);
  const given = opts.structFile ?? {};
  const names = new Set(graph.nodes.filter((n) => n.op === "conv" || n.op === "fc").map((n) => n.name));
  const unknown = Object.keys(given).filter((k) => !names.has(k));
  if (unknown.length)
    throw new InputError(`structure file names layer '${unknown[0]}', which ${graph.name} does not have`, [
      `layers: ${[...names].join(", ")}`,
    ]);
  const layers: InspectLayer[] = [];
  for (const node of graph.nodes) {
    if (node.op === "conv") layers.push(inspectConv(node, tol, given[node.name], graph.name));
    else if (node.op === "fc") layers.push(inspectFc(node, tol, given[node.name], graph.name));
  }
  return { model: graph.name, tol, layers };
}

/** Parses a structure file: { "<layer>": {"c": 8, "n": 2} | {"R": 32}, … }. */
export function parseStructFile(text: string, path: string): Record<string, StructSpec> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    throw new InputError(`${path}: expected an object of layer name → {c, n} or {R}`);
  const out: Record<string, StructSpec> = {};
  for (const [name, v] of Object.entries(raw as Record<string, unknown>)) {
    const o = v as Record<string, unknown> | null;
    const isInt = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x) && x >= 1;
    if (o && typeof o === "object" && isInt(o["c"]) && isInt(o["n"]) && Object.keys(o).length === 2)
      out[name] = { c: o["c"], n: o["n"] };
    else if (o && typeof o === "object" && isInt(o["R"]) && Object.keys(o).length === 1) out[name] = { R: o["R"] };
    else
      throw new InputError(
        `${path}: layer '${name}': expected {"c": int, "n": int} or {"R": int}, got ${JSON.stringify(v)}`,
      );
  }
  return out;
}
