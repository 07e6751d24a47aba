// SRAM figures from a least-squares fit over CACTI 7 runs (Accelergy's plug-in configuration,
// energy-reference.md §2d), instead of snapping a geometry to the nearest of a few rows:
//   ln E = a + b ln(KiB) + c ln(KiB)^2 + d ln(row bits) + e ln(banks) + f ln(node / 45 nm)
// for the read and write energy of one row access (all 27 rows: 45, 65 and 28 nm), and the same form without the
// node term for leakage and area (the 17 rows at 45 nm; across nodes they scale like logic, nodes.ts, because
// CACTI's low-standby-power leakage does not fall monotonically with the node). Below 28 nm (FD-SOI and FinFET)
// the node term stops at 28 nm and the logic factor of the node relative to 28 nm at the same supply carries on
// (the FinFET anchor of nodes.ts). Voltage: every CACTI row is taken at its node's nominal supply (assumption) and
// dynamic energy scales with (V_sram / V_nom)^2.

import { dynamicFactor, nodeInfo } from "./nodes.js";

/** One CACTI 7 run (pJ per row access, uW, mm^2). */
export interface CactiRow {
  readonly nm: number;
  readonly kib: number;
  readonly rowBits: number;
  readonly banks: number;
  readonly readPj: number;
  readonly writePj: number;
  readonly leakUw: number;
  readonly areaMm2: number;
}

const row = (nm: number, kib: number, rowBits: number, banks: number, r: number, w: number, l: number, a: number) =>
  ({ nm, kib, rowBits, banks, readPj: r, writePj: w, leakUw: l, areaMm2: a }) satisfies CactiRow;

/** energy-reference.md §2d, every row (the 28 nm rows are CACTI's 22/32 nm runs interpolated by the plug-in). */
export const CACTI_ROWS: readonly CactiRow[] = [
  row(45, 8, 64, 1, 6.14, 7.88, 0.26, 0.026),
  row(45, 32, 64, 1, 17.0, 15.4, 0.92, 0.095),
  row(45, 64, 64, 1, 25.9, 19.7, 1.67, 0.209),
  row(45, 128, 64, 1, 32.3, 26.1, 3.34, 0.43),
  row(45, 256, 64, 1, 44.7, 38.5, 6.68, 0.872),
  row(45, 512, 64, 1, 68.4, 51.4, 12.5, 1.645),
  row(45, 1024, 64, 1, 93.5, 76.2, 25.0, 3.263),
  row(45, 8, 128, 1, 7.92, 14.1, 0.26, 0.028),
  row(45, 32, 128, 1, 20.3, 27.5, 0.93, 0.098),
  row(45, 64, 128, 1, 39.3, 36.0, 1.65, 0.188),
  row(45, 128, 128, 1, 50.3, 47.0, 3.3, 0.414),
  row(45, 256, 128, 1, 76.1, 63.7, 6.27, 0.888),
  row(45, 512, 128, 1, 100.2, 87.8, 12.5, 1.798),
  row(45, 128, 128, 4, 45.6, 52.8, 3.84, 0.454),
  row(45, 256, 128, 4, 77.5, 74.3, 6.79, 0.839),
  row(45, 32, 512, 1, 39.9, 100.3, 0.94, 0.116),
  row(45, 2, 128, 1, 3.8, 7.44, 0.07, 0.008),
  row(65, 8, 64, 1, 11.1, 14.7, 1.78, 0.055),
  row(65, 32, 64, 1, 30.1, 28.7, 6.12, 0.198),
  row(65, 128, 64, 1, 59.3, 49.6, 21.6, 0.896),
  row(65, 128, 128, 1, 91.2, 88.4, 21.2, 0.863),
  row(65, 1024, 64, 1, 174.5, 146.1, 158, 6.81),
  row(28, 8, 64, 1, 2.7, 3.27, 0.92, 0.011),
  row(28, 32, 64, 1, 6.47, 5.72, 3.14, 0.045),
  row(28, 128, 64, 1, 13.9, 10.9, 11.2, 0.178),
  row(28, 128, 128, 1, 20.6, 19.1, 10.9, 0.19),
  row(28, 1024, 64, 1, 40.6, 31.7, 80.3, 1.301),
];

/** Solves the least-squares problem min |X b - y| by the normal equations (small, well-conditioned systems). */
function leastSquares(X: readonly (readonly number[])[], y: readonly number[]): number[] {
  const p = X[0]!.length;
  const A = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  X.forEach((x, r) => {
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) A[i]![j]! += x[i]! * x[j]!;
      A[i]![p]! += x[i]! * y[r]!;
    }
  });
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[piv]![c]!)) piv = r;
    [A[c], A[piv]] = [A[piv]!, A[c]!];
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = A[r]![c]! / A[c]![c]!;
      for (let k = c; k <= p; k++) A[r]![k]! -= f * A[c]![k]!;
    }
  }
  return A.map((r, i) => r[p]! / r[i]!);
}

/** The regressors of a geometry: 1, ln KiB, ln^2 KiB, ln bits, ln banks[, ln(node / 45)]. */
function features(kib: number, rowBits: number, banks: number, nm?: number): number[] {
  const lk = Math.log(kib);
  const f = [1, lk, lk * lk, Math.log(rowBits), Math.log(banks)];
  if (nm !== undefined) f.push(Math.log(nm / 45));
  return f;
}

type Figure = "readPj" | "writePj" | "leakUw" | "areaMm2";

interface Fit {
  readonly coef: readonly number[];
  /** Largest |fitted / CACTI - 1| over the rows fitted. */
  readonly maxError: number;
  readonly rows: number;
}

function fit(figure: Figure, withNode: boolean): Fit {
  const rows = CACTI_ROWS.filter((r) => withNode || r.nm === 45);
  const X = rows.map((r) => features(r.kib, r.rowBits, r.banks, withNode ? r.nm : undefined));
  const coef = leastSquares(
    X,
    rows.map((r) => Math.log(r[figure])),
  );
  let maxError = 0;
  rows.forEach((r, i) => {
    const pred = Math.exp(X[i]!.reduce((s, x, j) => s + x * coef[j]!, 0));
    maxError = Math.max(maxError, Math.abs(pred / r[figure] - 1));
  });
  return { coef, maxError, rows: rows.length };
}

const FITS: Readonly<Record<Figure, Fit>> = {
  readPj: fit("readPj", true),
  writePj: fit("writePj", true),
  leakUw: fit("leakUw", false),
  areaMm2: fit("areaMm2", false),
};

export function fitQuality(figure: Figure): { maxError: number; rows: number } {
  return { maxError: FITS[figure].maxError, rows: FITS[figure].rows };
}

/** The lowest node the CACTI rows cover; below it the logic factor carries the node term on. */
const CACTI_FLOOR_NM = 28;

function evalFit(figure: Figure, kib: number, rowBits: number, banks: number, nm?: number): number {
  const x = features(kib, rowBits, banks, nm);
  return Math.exp(x.reduce((s, v, j) => s + v * FITS[figure].coef[j]!, 0));
}

export interface SramFigures {
  /** pJ per row access at (node, vSram). */
  readonly readPj: number;
  readonly writePj: number;
  /** 45 nm leakage (uW) and area (mm^2); the caller scales them with the node like logic. */
  readonly leakUw45: number;
  readonly areaMm2_45: number;
  /** How the node and voltage entered, for source strings. */
  readonly why: string;
}

const pct = (x: number): string => `${(100 * x).toFixed(0)} %`;

/**
 * Below the CACTI rows: the logic factor of the node at its nominal supply relative to 28 nm at its own (the
 * 28 nm rows are taken at 0.9 V), so a 7 nm macro at 0.75 V is the 28 nm fit x 0.35 / 0.507.
 */
function belowCacti(nm: number): number {
  if (nm >= CACTI_FLOOR_NM) return 1;
  const nominal = (x: number) => dynamicFactor(x, nodeInfo(x).vnom).value;
  return nominal(nm) / nominal(CACTI_FLOOR_NM);
}

/**
 * Geometry-independent SRAM energy factor from 45 nm at 0.9 V to (node, V_sram): the fit's node term (read
 * energy), the logic factor below the CACTI rows, and CV^2. Scales an SRAM price given at one point to another.
 */
export function sramScale(nm: number, vSram: number): number {
  const nodeTerm = (Math.max(nm, CACTI_FLOOR_NM) / 45) ** FITS.readPj.coef[5]!;
  return (nodeTerm * belowCacti(nm) * (vSram / nodeInfo(nm).vnom) ** 2) / (0.9 / nodeInfo(45).vnom) ** 2;
}

/** Fitted SRAM figures of one macro at (node, V_sram). */
export function sramFigures(kib: number, rowBits: number, banks: number, nm: number, vSram: number): SramFigures {
  const n = nodeInfo(nm);
  const fitNm = Math.max(nm, CACTI_FLOOR_NM);
  const below = belowCacti(nm);
  const cv2 = (vSram / n.vnom) ** 2;
  const k = below * cv2;
  const parts = [
    `CACTI 7 fit over ${FITS.readPj.rows} rows (ln E in KiB, KiB^2, row bits, banks, node; max error ${pct(Math.max(FITS.readPj.maxError, FITS.writePj.maxError))})`,
  ];
  if (fitNm !== 45) parts.push(`at ${fitNm} nm`);
  if (below !== 1)
    parts.push(`x ${below.toPrecision(3)} (${nm} nm at ${n.vnom} V vs 28 nm at 0.9 V, logic factors of nodes.ts)`);
  if (cv2 !== 1) parts.push(`x (${vSram}/${n.vnom} V)^2`);
  return {
    readPj: evalFit("readPj", kib, rowBits, banks, fitNm) * k,
    writePj: evalFit("writePj", kib, rowBits, banks, fitNm) * k,
    leakUw45: evalFit("leakUw", kib, rowBits, banks),
    areaMm2_45: evalFit("areaMm2", kib, rowBits, banks),
    why: parts.join(" "),
  };
}
