// The same-area machine of `sumac compare --iso-area`: dense runs on a machine without the sum-pool unit and its
// pool buffer, with 8-bit multipliers when the structured machine has 16x8 ones only for E, and the area this
// frees (and the area of the narrower multipliers) spent on MAC rows and columns (`mac`) or on the act and weight
// SRAMs (`sram`). The search keeps the machine's other keys and finds the largest array (or SRAM) whose total
// area does not exceed the structured machine's.

import { InputError } from "../isa/errors.js";
import type { HwConfig } from "../isa/hw/types.js";
import { areaMm2 } from "../simulator/area.js";

export type IsoAreaVariant = "mac" | "sram";

export interface IsoAreaMachine {
  readonly hw: HwConfig;
  readonly variant: IsoAreaVariant;
  /** Total area of the structured machine and of this one, mm^2. */
  readonly targetMm2: number;
  readonly areaMm2: number;
  /** What changed, in words. */
  readonly what: string;
  /** The --set keys that make it from the structured machine's configuration. */
  readonly sets: readonly string[];
}

/**
 * `resolve(extraSets)` resolves the structured machine's own configuration (its preset, file and --set flags)
 * with further --set flags after them.
 */
export function isoAreaMachine(
  hw: HwConfig,
  variant: IsoAreaVariant,
  resolve: (extra: readonly string[]) => HwConfig,
): IsoAreaMachine {
  const target = areaMm2(hw).total;
  const base = ["pool.lanes=0", "sram.pool.kib=0", "mac.actBits=8"];
  const fits = (sets: readonly string[]): HwConfig | undefined => {
    try {
      const c = resolve(sets);
      return areaMm2(c).total <= target * (1 + 1e-9) ? c : undefined;
    } catch (e) {
      if (e instanceof InputError) return undefined;
      throw e;
    }
  };
  let best: { hw: HwConfig; sets: string[]; score: number; tie: number } | undefined;
  const consider = (sets: string[], score: number, tie: number) => {
    const c = fits(sets);
    if (c && (!best || score > best.score || (score === best.score && tie < best.tie)))
      best = { hw: c, sets, score, tie };
  };
  if (variant === "mac") {
    const { rows: R, cols: C } = hw.mac;
    const step = (n: number) => (n >= 8 ? 4 : 1);
    for (let r = R; r <= Math.min(256, 4 * R); r += step(R))
      for (let c = C; c <= Math.min(256, 4 * C); c += step(C))
        consider([...base, `mac.rows=${r}`, `mac.cols=${c}`], r * c, Math.abs(r - c));
  } else {
    const a0 = hw.sram.act.kib,
      w0 = hw.sram.wgt.kib;
    for (let extra = 0; extra <= 1024; extra += 8) {
      const a = Math.min(1024, a0 + extra / 2),
        w = Math.min(1024, w0 + extra / 2);
      consider([...base, `sram.act.kib=${a}`, `sram.wgt.kib=${w}`], a + w, 0);
    }
  }
  if (best === undefined)
    throw new InputError(
      `--iso-area ${variant}: no dense machine without the sum-pool unit fits the ${target.toFixed(4)} mm^2 of ${hw.id}`,
    );
  const b = best.hw;
  const what =
    variant === "mac"
      ? `no sum-pool unit or pool buffer, ${b.mac.actBits}-bit multipliers, ${b.mac.rows}x${b.mac.cols} MACs (was ${hw.mac.rows}x${hw.mac.cols} with ${hw.mac.actBits}-bit)`
      : `no sum-pool unit or pool buffer, ${b.mac.actBits}-bit multipliers, act/wgt SRAM ${b.sram.act.kib}/${b.sram.wgt.kib} KiB (was ${hw.sram.act.kib}/${hw.sram.wgt.kib})`;
  return { hw: b, variant, targetMm2: target, areaMm2: areaMm2(b).total, what, sets: best.sets };
}
