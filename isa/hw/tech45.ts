// The 45 nm technology data that per-geometry prices are derived from: logic leakage and area of the
// arithmetic parts (energy-reference §7 rows A1–A10, M1; Aladdin rows of §2a/§2b) and the CACTI-45 nm SRAM
// rows (energy-reference §2d). Per-action energies of fixed-width operations live in the preset JSON;
// only what depends on a configured width or size is derived here.

/** A part's static figures at 45 nm. */
export interface PartFigures {
  /** Leakage power in uW. */
  readonly leakUw: number;
  /** Area in um^2. */
  readonly areaUm2: number;
  readonly source: string;
}

/** Integer adders by width (energy-reference §7 A1–A3). */
export const ADDERS: Readonly<Record<8 | 16 | 32, PartFigures>> = {
  8: { leakUw: 0.69, areaUm2: 36, source: "A1 8-bit add (Horowitz area; Aladdin leakage x 8/32 x 1.151)" },
  16: { leakUw: 1.38, areaUm2: 67, source: "A2 16-bit add (Horowitz/Sze area; Aladdin leakage x 16/32 x 1.151)" },
  32: { leakUw: 2.76, areaUm2: 137, source: "A3 32-bit add (Horowitz area; Aladdin leakage x 1.151)" },
};

/** 8x8 multiplier (A4); other widths scale with the product of operand widths (Aladdin intmultiplier rule, §2b). */
export const MULT8X8: PartFigures = {
  leakUw: 3.6,
  areaUm2: 282,
  source: "A4 8x8 mult (Horowitz area; Aladdin leakage 50 uW x (8/32)^2 x 1.151)",
};

/** A multiplier of `a` x `b` bits, scaled from A4 by a*b/64. */
export function multiplier(a: number, b: number): PartFigures {
  const k = (a * b) / 64;
  if (k === 1) return MULT8X8;
  return {
    leakUw: MULT8X8.leakUw * k,
    areaUm2: MULT8X8.areaUm2 * k,
    source: `A4 x (${a}*${b})/64 (multiplier scales with the product of operand widths, Aladdin rule §2b)`,
  };
}

/** 32-bit barrel shifter: Aladdin shifter.csv 40 nm row (1.69 uW, 250 um^2) scaled to 45 nm (x1.151 leakage, x1.462 area, §2b). */
export const SHIFTER32: PartFigures = {
  leakUw: 1.69 * 1.151,
  areaUm2: 250 * 1.462,
  source: "Aladdin 32-bit shifter 1.69 uW / 250 um^2 at 40 nm x 1.151 / x 1.462 to 45 nm (§2a, §2b)",
};

/** 8-bit comparator (A10); the Aladdin comparator row gives no leakage, so none is charged. */
export const COMPARATOR8: PartFigures = {
  leakUw: 0,
  areaUm2: 26,
  source: "A10 8-bit comparator ~26 um^2 (Aladdin comparator.csv lists no leakage)",
};

/** One flip-flop bit (M1): Aladdin register 0.07 uW / 5.98 um^2 per bit at 40 nm, x1.151 leakage, x1.462 area. */
export const REGISTER_BIT: PartFigures = {
  leakUw: 0.07 * 1.151,
  areaUm2: 5.98 * 1.462,
  source: "M1 register bit: Aladdin 0.07 uW / 5.98 um^2 at 40 nm x 1.151 / x 1.462 to 45 nm",
};

/** One CACTI 7 run at 45 nm with Accelergy's plug-in configuration (energy-reference §2d). */
export interface CactiRow {
  readonly kib: number;
  readonly rowBits: number;
  readonly banks: number;
  /** pJ per access of one row. */
  readonly readPj: number;
  readonly writePj: number;
  readonly leakUw: number;
  readonly areaMm2: number;
}

/** energy-reference §2d, the 45 nm rows. */
export const CACTI45: readonly CactiRow[] = [
  { kib: 8, rowBits: 64, banks: 1, readPj: 6.14, writePj: 7.88, leakUw: 0.26, areaMm2: 0.026 },
  { kib: 32, rowBits: 64, banks: 1, readPj: 17.0, writePj: 15.4, leakUw: 0.92, areaMm2: 0.095 },
  { kib: 64, rowBits: 64, banks: 1, readPj: 25.9, writePj: 19.7, leakUw: 1.67, areaMm2: 0.209 },
  { kib: 128, rowBits: 64, banks: 1, readPj: 32.3, writePj: 26.1, leakUw: 3.34, areaMm2: 0.43 },
  { kib: 256, rowBits: 64, banks: 1, readPj: 44.7, writePj: 38.5, leakUw: 6.68, areaMm2: 0.872 },
  { kib: 512, rowBits: 64, banks: 1, readPj: 68.4, writePj: 51.4, leakUw: 12.5, areaMm2: 1.645 },
  { kib: 1024, rowBits: 64, banks: 1, readPj: 93.5, writePj: 76.2, leakUw: 25.0, areaMm2: 3.263 },
  { kib: 8, rowBits: 128, banks: 1, readPj: 7.92, writePj: 14.1, leakUw: 0.26, areaMm2: 0.028 },
  { kib: 32, rowBits: 128, banks: 1, readPj: 20.3, writePj: 27.5, leakUw: 0.93, areaMm2: 0.098 },
  { kib: 64, rowBits: 128, banks: 1, readPj: 39.3, writePj: 36.0, leakUw: 1.65, areaMm2: 0.188 },
  { kib: 128, rowBits: 128, banks: 1, readPj: 50.3, writePj: 47.0, leakUw: 3.3, areaMm2: 0.414 },
  { kib: 256, rowBits: 128, banks: 1, readPj: 76.1, writePj: 63.7, leakUw: 6.27, areaMm2: 0.888 },
  { kib: 512, rowBits: 128, banks: 1, readPj: 100.2, writePj: 87.8, leakUw: 12.5, areaMm2: 1.798 },
  { kib: 128, rowBits: 128, banks: 4, readPj: 45.6, writePj: 52.8, leakUw: 3.84, areaMm2: 0.454 },
  { kib: 256, rowBits: 128, banks: 4, readPj: 77.5, writePj: 74.3, leakUw: 6.79, areaMm2: 0.839 },
  { kib: 32, rowBits: 512, banks: 1, readPj: 39.9, writePj: 100.3, leakUw: 0.94, areaMm2: 0.116 },
  { kib: 2, rowBits: 128, banks: 1, readPj: 3.8, writePj: 7.44, leakUw: 0.07, areaMm2: 0.008 },
];

export function describeCactiRow(r: CactiRow): string {
  return `${r.kib} KiB x ${r.rowBits}-bit${r.banks > 1 ? `, ${r.banks} banks` : ""}`;
}

/**
 * The CACTI row closest to a geometry. Width mismatches weigh twice a size mismatch (per-byte energy
 * depends mostly on the row width); banks weigh least. Ties go to the larger memory (the dearer estimate).
 */
export function nearestCactiRow(kib: number, rowBits: number, banks: number): { row: CactiRow; exact: boolean } {
  let best: CactiRow | undefined;
  let bestD = Infinity;
  for (const r of CACTI45) {
    const d =
      2 * Math.abs(Math.log2(rowBits / r.rowBits)) +
      Math.abs(Math.log2(kib / r.kib)) +
      0.25 * Math.abs(Math.log2(banks / r.banks));
    if (d < bestD - 1e-12 || (Math.abs(d - bestD) <= 1e-12 && best !== undefined && r.kib > best.kib)) {
      best = r;
      bestD = d;
    }
  }
  if (best === undefined) throw new Error("CACTI45 table is empty");
  return { row: best, exact: bestD === 0 };
}
