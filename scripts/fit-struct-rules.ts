// Searches per-role structure rules for a zoo network against a row of the paper's Tables 4 and 5, with sumac's own
// counting (models/count.ts): every combination of the options below, ranked by the largest of the three relative
// errors (adds, mults, params). docs/zoo.md quotes its results.
//
//   npx tsx scripts/fit-struct-rules.ts efficientnet-b1 Struct-EffNet [--fine] [--top 10]
//   npx tsx scripts/fit-struct-rules.ts hrnet-w18-small-v2 Struct-HR-A
//
// Roles (by layer name and shape): EfficientNet's 1×1 expansion / projection / head / SE convs, its 3×3 and 5×5
// depthwise convs and the fc; HRNet's stem conv2, layer1's 3×3, the transitions, each branch's 3×3 and the
// fusions' 3×3. A 1×1 option is c as a fraction of C; a depthwise option is n; a 3×3 option is (c / C, n).
import { readFileSync } from "node:fs";
import { countGraph } from "../models/count.js";
import type { Graph, Node } from "../models/ir.js";
import { loadModel } from "../models/zoo.js";

type Option = { readonly label: string; readonly apply: (n: Node) => Node };

const dense: Option = { label: "dense", apply: (n) => n };
const channels = (f: number, label: string): Option => ({
  label,
  apply: (n) =>
    n.op === "conv"
      ? {
          ...n,
          structure: { c: Math.max(1, Math.round((n.cin / n.groups) * f)), n: n.kh, residual: 0, source: "forced" },
        }
      : n,
});
const spatial = (cf: number, k: number, label: string): Option => ({
  label,
  apply: (n) =>
    n.op === "conv"
      ? {
          ...n,
          structure: { c: Math.max(1, Math.round((n.cin / n.groups) * cf)), n: k, residual: 0, source: "forced" },
        }
      : n,
});
const fcR = (f: number, label: string): Option => ({
  label,
  apply: (n) => (n.op === "fc" ? { ...n, structure: { R: Math.round(n.Q * f), residual: 0, source: "forced" } } : n),
});

const fine = process.argv.includes("--fine");
const fractions = fine ? [1, 7 / 8, 3 / 4, 5 / 8, 1 / 2, 3 / 8, 1 / 4, 1 / 8] : [1, 3 / 4, 1 / 2, 1 / 4];
const frac = (f: number) => (f === 1 ? dense : channels(f, `C·${f}`));
const pointwise = fractions.map(frac);

function effnetRole(n: Node): string | null {
  if (n.op === "fc") return "fc";
  if (n.op !== "conv") return null;
  if (/fc[12]$/.test(n.name)) return "se";
  if (n.groups > 1) return `dw${n.kh}`;
  if (n.kh !== 1) return null;
  return n.cout === 1280 ? "head" : n.cout > n.cin ? "expand" : "project";
}

function hrnetRole(n: Node): string | null {
  if (n.op !== "conv" || n.kh !== 3) return null;
  if (n.name.startsWith("conv2")) return "stem2";
  if (n.name.startsWith("layer1")) return "layer1";
  if (n.name.startsWith("transition")) return "transition";
  if (n.name.includes(".fuse_layers.")) return "fuse";
  if (n.name.includes(".branches.")) return `branch${Math.log2(n.cout / 18)}`;
  return null;
}

const conv3 = [dense, spatial(1, 2, "(C,2)"), spatial(1 / 2, 3, "(C/2,3)")];
const SPACES: Record<string, { role: (n: Node) => string | null; options: Record<string, Option[]> }> = {
  efficientnet: {
    role: effnetRole,
    options: {
      expand: pointwise,
      project: pointwise,
      head: [dense, frac(1 / 2), frac(1 / 4)],
      se: [dense, frac(1 / 2)],
      dw3: [dense, spatial(1, 2, "(1,2)")],
      dw5: [dense, spatial(1, 4, "(1,4)"), spatial(1, 3, "(1,3)")],
      fc: [dense, fcR(1 / 2, "Q/2"), fcR(1 / 4, "Q/4")],
    },
  },
  hrnet: {
    role: hrnetRole,
    options: Object.fromEntries(
      ["stem2", "layer1", "transition", "branch0", "branch1", "branch2", "branch3", "fuse"].map((r) => [r, conv3]),
    ),
  },
};

const [spec = "", row = ""] = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const top = Number(process.argv[process.argv.indexOf("--top") + 1]) || 10;
const space = SPACES[spec.startsWith("hrnet") ? "hrnet" : "efficientnet"]!;
const printed = (
  JSON.parse(readFileSync(new URL("../test/fixtures/net/paper-counts.json", import.meta.url), "utf8")) as {
    rows: Record<string, { adds: string; mults: string; params: string }>;
  }
).rows[row];
if (!printed) throw new Error(`no paper row '${row}' in test/fixtures/net/paper-counts.json`);
const target = [Number(printed.adds), Number(printed.mults), Number(printed.params)];

const graph: Graph = loadModel(spec.split(":")[0]!, { readFile: (p) => readFileSync(p), weights: "none" });
const roles = Object.keys(space.options);
const roleOf = graph.nodes.map((n) => space.role(n));
const results: { err: number; rule: string; values: number[] }[] = [];
const choose = (i: number, picked: Option[]): void => {
  if (i === roles.length) {
    const nodes = graph.nodes.map((n, k) => {
      const r = roleOf[k] ?? null;
      return r === null ? n : picked[roles.indexOf(r)]!.apply(n);
    });
    const t = countGraph({ ...graph, nodes }).totals;
    const values = [t.adds / 1e9, t.mults / 1e9, t.params / 1e6];
    const err = Math.max(...values.map((v, j) => Math.abs(v / target[j]! - 1)));
    results.push({ err, rule: roles.map((r, j) => `${r}=${picked[j]!.label}`).join(" "), values });
    return;
  }
  for (const o of space.options[roles[i]!]!) choose(i + 1, [...picked, o]);
};
choose(0, []);
results.sort((a, b) => a.err - b.err);
console.log(`${spec} vs ${row} (${target.join(" / ")}): ${results.length} rules`);
for (const r of results.slice(0, top))
  console.log(`${(100 * r.err).toFixed(1).padStart(5)} %  ${r.values.map((v) => v.toFixed(3)).join(" / ")}  ${r.rule}`);
