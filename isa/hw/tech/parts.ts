// Leakage and area of the logic parts at 45 nm (energy-reference.md §7 rows A1–A10 and M1; Aladdin rows of
// §2a/§2b). Units are built from these parts (isa/hw/derive.ts) and scaled to the configured node and supply
// (isa/hw/tech/nodes.ts). SRAM macros come from the CACTI fit (isa/hw/tech/sram.ts).

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

/** `n` register bits as one part. */
export function registers(n: number, what: string): PartFigures {
  return {
    leakUw: REGISTER_BIT.leakUw * n,
    areaUm2: REGISTER_BIT.areaUm2 * n,
    source: `${n} ${what} register bits x M1 (Aladdin register, §2a)`,
  };
}
