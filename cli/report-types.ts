// The parts of a simulation report (DESIGN §6 report.json) that the comparison, sweep and HTML views read.
// Structural, so any report that follows the documented schema fits.

export interface LayerReportLike {
  readonly name: string;
  readonly kind: string;
  readonly cycles: number;
  readonly bound_cycles: number;
  readonly macs: number;
  readonly adds: number;
  readonly energy_pj: number;
  readonly dram_bytes?: number;
  readonly c?: number | null;
  readonly n?: number | null;
  readonly busy: Readonly<Record<string, number>>;
}

export interface ReportLike {
  readonly model: string;
  readonly mode: string;
  readonly dtype: string;
  readonly hw: { readonly id: string; readonly clock_mhz: number; readonly hash?: string };
  readonly totals: {
    readonly cycles: number;
    readonly seconds: number;
    readonly macs: number;
    readonly mults: number;
    readonly adds: number;
    readonly params: number;
    readonly dram_bytes: number;
    readonly energy_pj: Readonly<Record<string, number>> & { readonly total: number };
    /** Energy charged to the unit whose instructions caused it (mac, sumpool, vector, dma, control, leakage). */
    readonly energy_by_unit_pj?: Readonly<Record<string, number>>;
    readonly energy_note?: string;
    readonly weights_on_chip?: { readonly param_bytes: number; readonly store_bytes: number; readonly fits: boolean };
    readonly utilization: Readonly<Record<string, number>>;
    readonly bound_cycles: number;
    readonly area_mm2?: Readonly<Record<string, number>>;
  };
  readonly layers: readonly LayerReportLike[];
}
