// Technology and voltage scaling: how a 45 nm / 0.9 V figure (Horowitz ISSCC 2014, the base table of
// isa/hw/tech/prices.ts) becomes a figure at another node and supply (low-power-targets.md §3.1).
//
// Dynamic energy, k(node, V) relative to 45 nm at 0.9 V, written k = c(node) x (V / 0.9 V)^2:
//   planar nodes (65..22 nm): c from Stillmaker & Baas 2017 (the E(V) = aV^2 + bV + c fits of Accelergy's
//     hwcomponents/scaling/techscaling.py, interpolated linearly in nm between tabulated nodes) evaluated at
//     the node's nominal supply, divided by CV^2 back to 0.9 V;
//   FinFET nodes (16..7 nm): S&B is optimistic there (its 7 nm is 0.066, five times below measured silicon), so
//     c is anchored at 7 nm to Jouppi et al., ISCA 2021 Table 2 (FP32 mult 1.3 pJ vs Horowitz 3.7 pJ: k = 0.35
//     at 0.75 V) and interpolated log-linearly in the node between that anchor and S&B's 28 nm;
//   within a node, CV^2: E(V) = E(V_nom) (V / V_nom)^2 (S&B's own polynomial is not used far below nominal).
// Area: S&B's area table (techscaling.py AREA_SCALING, interpolated like Accelergy).
// Leakage power: across nodes like dynamic energy (Accelergy: tech_node_leak = tech_node_energy); within a
//   node the subthreshold current with DIBL, P ∝ V exp(-eta (V_nom - V) / (n kT/q)), eta 0.1, n 1.3 (Roy,
//   Mukhopadhyay, Mahmoodi-Meimand, Proc. IEEE 91(2), 2003). FD-SOI back-biasing is not modelled.
// Clock: alpha-power law f ∝ (V - V_t)^alpha / V, alpha 1.3 (Sakurai & Newton, JSSC 1990); across nodes the
//   gate delay scales with the node (Accelergy tech_node_latency = to / from).

/** What a technology node is, and the supply its figures are quoted at. */
export interface NodeInfo {
  readonly nm: number;
  readonly kind: "planar" | "fd-soi" | "finfet";
  /** Nominal supply in V. */
  readonly vnom: number;
  readonly source: string;
}

/** The nodes a configuration may name (techNm). */
export const NODES: readonly NodeInfo[] = [
  { nm: 65, kind: "planar", vnom: 1.1, source: "assumption: 65 nm bulk at its usual 1.1 V nominal supply" },
  { nm: 45, kind: "planar", vnom: 0.9, source: "Horowitz ISSCC 2014: the base table is 45 nm at 0.9 V" },
  {
    nm: 40,
    kind: "planar",
    vnom: 1.1,
    source: "40 nm LP at 1.1 V (Moons & Verhelst, JSSC 2017, run their 40 nm processor at 1.1 V)",
  },
  { nm: 32, kind: "planar", vnom: 0.9, source: "assumption: 32 nm bulk at 0.9 V" },
  { nm: 28, kind: "planar", vnom: 0.9, source: "low-power-targets.md §3.1: 28 nm at 0.9 V" },
  { nm: 22, kind: "fd-soi", vnom: 0.8, source: "low-power-targets.md §3.1: 22 nm FD-SOI at 0.8 V" },
  { nm: 16, kind: "finfet", vnom: 0.8, source: "low-power-targets.md §3.1: 16 nm at 0.8 V" },
  { nm: 12, kind: "finfet", vnom: 0.8, source: "assumption: 12 nm FinFET at 0.8 V, like 16 nm" },
  { nm: 7, kind: "finfet", vnom: 0.75, source: "low-power-targets.md §3.1: 7 nm at 0.75 V" },
];

export const NODE_NMS: readonly number[] = NODES.map((n) => n.nm);

export function nodeInfo(nm: number): NodeInfo {
  const n = NODES.find((x) => x.nm === nm);
  if (n === undefined) throw new Error(`no technology node ${nm} nm (nodes: ${NODE_NMS.join(", ")})`);
  return n;
}

/** The reference point of every base figure. */
export const BASE_NM = 45;
export const BASE_VDD = 0.9;

// Stillmaker & Baas 2017 as tabulated in Accelergy-Project/hwcomponents hwcomponents/scaling/techscaling.py @e67d7f1.
const SB_NODES = [130, 90, 65, 45, 32, 20, 16, 14, 10, 7];
const SB_ENERGY: readonly (readonly [number, number, number])[] = [
  [7.171, -6.709, 2.904],
  [4.762, -4.781, 2.092],
  [3.755, -4.398, 1.975],
  [1.103, -0.362, 0.2767],
  [0.9559, -0.7823, 0.471],
  [0.373, -0.1582, 0.04104],
  [0.2958, -0.1241, 0.03024],
  [0.2363, -0.09675, 0.02239],
  [0.2068, -0.09311, 0.02375],
  [0.1776, -0.09097, 0.02447],
];
const SB_AREA: readonly (readonly number[])[] = [
  [1, 0.44, 0.23, 0.16, 0.072, 0.033, 0.03, 0.027, 0.016, 0.0092],
  [2.3, 1, 0.53, 0.35, 0.16, 0.075, 0.067, 0.061, 0.036, 0.021],
  [4.3, 1.9, 1, 0.66, 0.31, 0.14, 0.13, 0.12, 0.068, 0.039],
  [6.4, 2.8, 1.5, 1, 0.46, 0.21, 0.19, 0.17, 0.1, 0.059],
  [14, 6.1, 3.3, 2.2, 1, 0.46, 0.41, 0.38, 0.22, 0.13],
  [30, 13, 7.1, 4.7, 2.2, 1, 0.89, 0.82, 0.48, 0.28],
  [34, 15, 7.9, 5.3, 2.4, 1.1, 1, 0.91, 0.54, 0.31],
  [37, 16, 8.7, 5.8, 2.7, 1.2, 1.1, 1, 0.59, 0.34],
  [63, 28, 15, 9.8, 4.5, 2.1, 1.9, 1.7, 1, 0.58],
  [110, 48, 25, 17, 7.8, 3.6, 3.2, 2.9, 1.7, 1],
];

/** Fractional index of a node in SB_NODES: linear in nm between tabulated neighbours (techscaling.py). */
function sbIndex(nm: number): number {
  for (let i = 0; i < SB_NODES.length; i++) {
    if (SB_NODES[i] === nm) return i;
    if (i > 0 && SB_NODES[i]! < nm && nm < SB_NODES[i - 1]!) {
      const t = (nm - SB_NODES[i]!) / (SB_NODES[i - 1]! - SB_NODES[i]!);
      return i - t;
    }
  }
  throw new Error(`node ${nm} nm is outside Stillmaker & Baas's 130..7 nm`);
}

const lerp = (a: number, b: number, t: number): number => a + (b - a) * t;

/** S&B energy polynomial of a node at supply V (interpolated between tabulated nodes). */
export function sbEnergy(nm: number, v: number): number {
  const x = sbIndex(nm);
  const at = (i: number) => {
    const [a, b, c] = SB_ENERGY[i]!;
    return a * v * v + b * v + c;
  };
  const lo = Math.floor(x);
  return lerp(at(lo), at(Math.ceil(x)), x - lo);
}

/** S&B area factor from one node to another (bilinear in the table, as techscaling.py tech_node_area). */
export function sbArea(toNm: number, fromNm: number): number {
  const x = sbIndex(fromNm),
    y = sbIndex(toNm);
  const fx = x % 1,
    fy = y % 1;
  const A = (i: number, j: number) => SB_AREA[i]![j]!;
  return (
    A(Math.floor(x), Math.floor(y)) * (1 - fx) * (1 - fy) +
    A(Math.floor(x), Math.ceil(y)) * (1 - fx) * fy +
    A(Math.ceil(x), Math.floor(y)) * fx * (1 - fy) +
    A(Math.ceil(x), Math.ceil(y)) * fx * fy
  );
}

/** Jouppi et al. ISCA 2021 Table 2: 7 nm FP32 multiply 1.3 pJ vs Horowitz 45 nm 3.7 pJ (the recommended k = 0.35). */
export const FINFET_ANCHOR = { nm: 7, vdd: 0.75, k: 0.35 } as const;

/** Switched-capacitance factor c(node): k(node, V) = c(node) (V / 0.9 V)^2. */
function capacitanceFactor(nm: number): number {
  const n = nodeInfo(nm);
  const planar = (x: number): number => {
    const vn = nodeInfo(x).vnom;
    return sbEnergy(x, vn) / sbEnergy(BASE_NM, BASE_VDD) / (vn / BASE_VDD) ** 2;
  };
  if (n.kind !== "finfet") return planar(nm);
  const c28 = planar(28);
  const c7 = FINFET_ANCHOR.k / (FINFET_ANCHOR.vdd / BASE_VDD) ** 2;
  const t = Math.log(nm / 28) / Math.log(7 / 28);
  return Math.exp(lerp(Math.log(c28), Math.log(c7), t));
}

/** A scaling factor with the words that explain it. */
export interface Factor {
  readonly value: number;
  readonly why: string;
}

const r3 = (x: number): string => String(Number(x.toPrecision(3)));

/** Dynamic-energy factor from 45 nm / 0.9 V to (node, V). */
export function dynamicFactor(nm: number, v: number): Factor {
  const n = nodeInfo(nm);
  const c = capacitanceFactor(nm);
  const kNom = c * (n.vnom / BASE_VDD) ** 2;
  const cv2 = (v / n.vnom) ** 2;
  const node =
    nm === BASE_NM
      ? "45 nm base"
      : n.kind === "finfet"
        ? `${nm} nm FinFET ${r3(kNom)} at ${n.vnom} V (anchored to Jouppi ISCA 2021 at 7 nm, log-interpolated to S&B 28 nm)`
        : `${nm} nm ${r3(kNom)} at ${n.vnom} V (Stillmaker & Baas 2017${SB_NODES.includes(nm) ? "" : ", interpolated"})`;
  const volt = v === n.vnom ? "" : ` x (${v}/${n.vnom} V)^2 CV^2`;
  return { value: kNom * cv2, why: `${node}${volt}` };
}

/** Area factor from 45 nm to a node (S&B). */
export function areaFactor(nm: number): Factor {
  if (nm === BASE_NM) return { value: 1, why: "45 nm base" };
  return { value: sbArea(nm, BASE_NM), why: `S&B area 45 -> ${nm} nm` };
}

const KT_Q = 0.02585; // thermal voltage at 300 K, V
const DIBL_ETA = 0.1;
const SUBTHRESHOLD_N = 1.3;

/** Leakage-power factor from 45 nm / 0.9 V to (node, V). */
export function leakageFactor(nm: number, v: number): Factor {
  const n = nodeInfo(nm);
  const node = dynamicFactor(nm, n.vnom).value;
  const dibl = (v / n.vnom) * Math.exp((-DIBL_ETA * (n.vnom - v)) / (SUBTHRESHOLD_N * KT_Q));
  const nodeWhy = nm === BASE_NM ? "45 nm base" : `${nm} nm ${r3(node)} (like dynamic energy, Accelergy)`;
  const vWhy = v === n.vnom ? "" : ` x ${r3(dibl)} at ${v} V (subthreshold + DIBL, Roy et al. 2003)`;
  return { value: node * dibl, why: `${nodeWhy}${vWhy}` };
}

export const ALPHA_POWER = 1.3;

/** Relative gate speed at (node, V) with threshold vth: (45 / node) (V - vth)^alpha / V. */
export function speed(nm: number, v: number, vth: number): number {
  if (v <= vth) return 0;
  return ((BASE_NM / nm) * (v - vth) ** ALPHA_POWER) / v;
}
