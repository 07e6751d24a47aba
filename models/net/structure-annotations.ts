// `@tag(…)` on a conv or fc: the layer's structure in the `struct-<tag>` variant (DESIGN §1): (c, n) for a conv's
// C×N×N kernel per group, R for an fc's Q inputs. A value equal to the dense size leaves the layer dense.
import type { ConvNode, FcNode } from "../ir.js";
import type { Annotation, Expr } from "./ast.js";
import type { Env, ExprEvaluator } from "./expr.js";

/** The annotation's arguments, evaluated with the layer's own dimensions in scope (`c = C / 2`). */
function structureArgs(ev: ExprEvaluator, a: Annotation, env: Env, vars: Record<string, number>): Map<string, number> {
  const inner = env.child();
  for (const [k, v] of Object.entries(vars)) inner.set(k, v);
  const out = new Map<string, number>();
  for (const arg of a.args) out.set(arg.key!, ev.int(arg.value as Expr, inner, `@${a.tag} ${arg.key}`));
  return out;
}

export function structureConv(ev: ExprEvaluator, node: ConvNode, a: Annotation, env: Env): ConvNode {
  const C = node.cin / node.groups;
  const N = node.kh;
  if (node.kh !== node.kw)
    ev.fail(a.pos, `@${a.tag}: structured convs need a square kernel, got ${node.kh}x${node.kw}`);
  const v = structureArgs(ev, a, env, { C, N, Cin: node.cin, Cout: node.cout });
  const c = v.get("c") ?? C;
  const n = v.get("n") ?? N;
  if (c > C) ev.fail(a.pos, `@${a.tag}: c = ${c} exceeds the ${C} input channels per group`);
  if (n > N) ev.fail(a.pos, `@${a.tag}: n = ${n} exceeds the kernel size ${N}`);
  // (C, N) is the dense kernel itself: leave the layer dense, so a rule can say "dense here" with an expression.
  if (c === C && n === N) return node;
  return { ...node, structure: { c, n, residual: 0, source: "model" } };
}

export function structureFc(ev: ExprEvaluator, node: FcNode, a: Annotation, env: Env): FcNode {
  const R = structureArgs(ev, a, env, { Q: node.Q, P: node.P }).get("R")!;
  if (R > node.Q) ev.fail(a.pos, `@${a.tag}: R = ${R} exceeds the ${node.Q} input features`);
  if (R === node.Q) return node;
  return { ...node, structure: { R, residual: 0, source: "model" } };
}
