// structure: decide, per conv/fc layer, whether it is lowered as sum-pool + small conv (DESIGN §1, §4 step 3).
// Where (c, n) / R comes from, in order: the struct file (forced), the graph node's `structure` (the model or an
// earlier detection), detection on the BN-folded weights (`auto`). alpha = A⁺W is always recomputed on the
// BN-FOLDED weights (folding scales each output kernel, which keeps it structured), and the residual recorded.
// A layer whose residual exceeds `tol` stays dense unless the struct file forces it (then a note reports it).
// Depthwise convs use spatial structure only (C = c = 1 per group); other grouped convs stay dense.
// Placeholder weights (LayerProgram.placeholders: the model carried shapes only) have no values to detect structure
// in or project: the model's and the struct file's (c, n) / R are taken as given, alpha is zeros of its size, and
// the residual is the model's (null for struct-file layers: not computed).

import { InputError } from "../../isa/errors.js";
import type { Graph, Node } from "../../models/ir.js";
import { detectConv } from "../../models/structure/detect.js";
import { projectConv } from "../../models/structure/project.js";
import { detectFc, projectFc } from "../../models/structure/fc.js";
import { zeroFloats } from "../placeholders.js";
import type { AnyLayer, ConvLayer, FcLayer, FrontProgram } from "../layers.js";

export type StructEntry = { readonly c: number; readonly n: number } | { readonly R: number };
/** "auto": model-given structure, else detected. A record: these layers forced, the others as the model says. */
export type StructSpec = "auto" | Readonly<Record<string, StructEntry>>;

export interface StructureOptions {
  readonly mode: "dense" | "structured";
  readonly struct?: StructSpec;
  readonly tol: number;
  /** Where a struct record came from, for error messages. */
  readonly structSource?: string;
}

export interface StructureResult {
  readonly program: FrontProgram;
  readonly notes: string[];
}

export function structure(lp: FrontProgram, graph: Graph, opts: StructureOptions): StructureResult {
  if (opts.mode === "dense") return { program: { ...lp, mode: "dense" }, notes: [] };
  const notes: string[] = [];
  const nodes = new Map<string, Node>(graph.nodes.map((n) => [n.name, n]));
  const spec = opts.struct ?? "auto";
  const file = spec === "auto" ? null : spec;
  const where = opts.structSource ?? "struct";
  if (file) {
    const known = new Set(lp.layers.filter((l) => l.kind === "conv" || l.kind === "fc").map((l) => l.name));
    for (const name of Object.keys(file))
      if (!known.has(name))
        throw new InputError(
          `${where}: layer '${name}' is not a conv or fc layer of ${lp.model} (known: ${[...known].join(", ")})`,
        );
  }
  const ctx = { tol: opts.tol, auto: spec === "auto", where, notes, placeholders: lp.placeholders === true };
  const layers = lp.layers.map((l): AnyLayer => {
    const forced = file?.[l.name];
    const node = nodes.get(l.name);
    // A layer normalise already made structured (an already-decomposed sum-pool + conv) keeps its (c, n).
    const given = node?.op === "conv" ? node.structure : l.kind === "conv" ? l.structured : undefined;
    if (l.kind === "conv") return structureConv(l, forced, given, ctx);
    if (l.kind === "fc") return structureFc(l, forced, node?.op === "fc" ? node.structure : undefined, ctx);
    return l;
  });
  return { program: { ...lp, mode: "structured", layers }, notes };
}

function withoutStructure<T extends { readonly structured?: unknown }>(l: T): T {
  if (l.structured === undefined) return l;
  const copy: { structured?: unknown } = { ...l };
  delete copy.structured;
  return copy as T;
}

interface Ctx {
  readonly tol: number;
  readonly auto: boolean;
  readonly where: string;
  readonly notes: string[];
  readonly placeholders: boolean;
}

function structureConv(
  l: ConvLayer,
  forced: StructEntry | undefined,
  given: { c: number; n: number; residual: number | null } | undefined,
  ctx: Ctx,
): ConvLayer {
  const dense = withoutStructure(l);
  const C = l.cin / l.groups;
  const N = l.kh;
  if (forced && !("c" in forced))
    throw new InputError(`${ctx.where}: layer '${l.name}' is a conv and needs {c, n}, not {R}`);
  const supported = l.kh === l.kw && (l.groups === 1 || C === 1);
  if (!supported) {
    if (forced)
      throw new InputError(
        `${ctx.where}: layer '${l.name}': structure needs a square kernel and groups 1 or depthwise`,
      );
    return dense;
  }
  let pick: { c: number; n: number } | undefined = forced ?? given;
  if (!pick && ctx.auto && !ctx.placeholders) pick = detectConv(l.weight, l.cout, C, N, ctx.tol, 1);
  if (!pick) return dense;
  if (!Number.isInteger(pick.c) || !Number.isInteger(pick.n) || pick.c < 1 || pick.c > C || pick.n < 1 || pick.n > N) {
    const msg = `layer '${l.name}': structure (c=${pick.c}, n=${pick.n}) is invalid for a ${C}x${N}x${N} kernel`;
    throw new InputError(forced ? `${ctx.where}: ${msg}` : msg);
  }
  if (pick.c === C && pick.n === N) return dense;
  if (ctx.placeholders) {
    const residual = forced ? null : (given?.residual ?? null);
    const alpha = zeroFloats(l.cout * pick.c * pick.n * pick.n);
    return { ...dense, structured: { c: pick.c, n: pick.n, residual, alpha } };
  }
  const p = projectConv(l.weight, l.cout, C, N, pick.c, pick.n);
  if (p.residual > ctx.tol) {
    if (!forced) {
      ctx.notes.push(
        `${l.name}: (c=${pick.c}, n=${pick.n}) residual ${p.residual.toExponential(2)} > tol ${ctx.tol}: lowered dense`,
      );
      return dense;
    }
    ctx.notes.push(
      `${l.name}: forced (c=${pick.c}, n=${pick.n}) with residual ${p.residual.toExponential(2)} > tol ${ctx.tol}: the structured layer approximates W`,
    );
  }
  return { ...dense, structured: { c: pick.c, n: pick.n, residual: p.residual, alpha: Float32Array.from(p.alpha) } };
}

function structureFc(
  l: FcLayer,
  forced: StructEntry | undefined,
  given: { R: number; residual: number | null } | undefined,
  ctx: Ctx,
): FcLayer {
  const dense = withoutStructure(l);
  if (forced && !("R" in forced))
    throw new InputError(`${ctx.where}: layer '${l.name}' is fully connected and needs {R}, not {c, n}`);
  let R: number | undefined = forced?.R ?? given?.R;
  if (R === undefined && ctx.auto && !ctx.placeholders) R = detectFc(l.weight, l.P, l.Q, ctx.tol).R;
  if (R === undefined) return dense;
  if (!Number.isInteger(R) || R < 1 || R > l.Q) {
    const msg = `layer '${l.name}': structure R=${R} is invalid for ${l.Q} inputs`;
    throw new InputError(forced ? `${ctx.where}: ${msg}` : msg);
  }
  if (R === l.Q) return dense;
  if (ctx.placeholders) {
    const residual = forced ? null : (given?.residual ?? null);
    return { ...dense, structured: { R, residual, alpha: zeroFloats(l.P * R) } };
  }
  const p = projectFc(l.weight, l.P, l.Q, R);
  if (p.residual > ctx.tol) {
    if (!forced) {
      ctx.notes.push(`${l.name}: R=${R} residual ${p.residual.toExponential(2)} > tol ${ctx.tol}: lowered dense`);
      return dense;
    }
    ctx.notes.push(
      `${l.name}: forced R=${R} with residual ${p.residual.toExponential(2)} > tol ${ctx.tol}: the structured layer approximates W`,
    );
  }
  return { ...dense, structured: { R, residual: p.residual, alpha: Float32Array.from(p.alpha) } };
}
