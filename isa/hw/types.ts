// The resolved hardware configuration: what every consumer (compiler, simulator, reports) reads.
// Produced only by parseHwConfig (isa/hw/config.ts), which validates, fills defaults and derives.

/** A sourced number: every energy, area and hardware figure carries its unit and where it comes from. */
export interface Sourced {
  readonly value: number;
  readonly unit: string;
  readonly source: string;
}

export type Dataflow = "ws" | "os" | "is";
export type PoolMode = "direct" | "separable";
/** How the MAC array's operand feed reads a conv window: once per input (line buffer) or once per tap (im2col). */
export type InputReuse = "window" | "im2col";

/** A scaling factor and the words that explain it. */
export interface TechFactor {
  readonly value: number;
  readonly why: string;
}

/** The technology the prices were derived for (isa/hw/tech/nodes.ts). */
export interface TechSummary {
  readonly kind: "planar" | "fd-soi" | "finfet";
  /** Nominal supply of the node in V. */
  readonly vnom: number;
  /** Factors from 45 nm / 0.9 V: logic dynamic energy, SRAM dynamic energy (at vddSram), leakage, area. */
  readonly dynamic: TechFactor;
  readonly leakage: TechFactor;
  readonly sramLeakage: TechFactor;
  readonly area: TechFactor;
  /** How the clock was obtained (given, or derived by the alpha-power law). */
  readonly clock: string;
}

export interface SramConfig {
  readonly kib: number;
  readonly banks: number;
  /** Row width in bits. */
  readonly rowBits: number;
  /** Derived: capacity in bytes. */
  readonly bytes: number;
}

/** Names of the on-chip buffers, matching isa/instructions.ts BUFFERS. */
export type BufferName = "act" | "pool" | "wgt" | "acc" | "par";

export interface HwConfig {
  /** Parameter string naming this variant, e.g. "edge-16x16ws-p128x16-a128k-w128k-acc32k-500mhz". */
  readonly id: string;
  /** Hex digest of the canonical resolved JSON (without id/hash). */
  readonly hash: string;
  readonly preset: string;
  readonly techNm: number;
  /** Logic supply in V. */
  readonly vdd: number;
  /** SRAM supply in V (derived max(vdd, SRAM Vmin) unless given). */
  readonly vddSram: number;
  /** Threshold voltage of the alpha-power clock law, V. */
  readonly vth: number;
  readonly clock_mhz: number;
  readonly tech: TechSummary;
  readonly mac: {
    readonly rows: number;
    readonly cols: number;
    readonly dataflow: Dataflow;
    readonly actBits: 8 | 16;
    readonly weightBits: 8;
    readonly accBits: 32;
    readonly inputReuse: InputReuse;
    /** Derived: width of the partial sums the array forwards, min(accBits, actBits + weightBits + ceil(log2 rows)). */
    readonly psumBits: number;
  };
  readonly pool: {
    readonly lanes: number;
    readonly mode: PoolMode;
    readonly outBits: 8 | 16 | 32;
    readonly fill: number;
  };
  readonly vector: { readonly lanes: number; readonly fill: number };
  readonly dram: {
    readonly gbps: number;
    /** Latency in cycles. */
    readonly latency: number;
    readonly ideal: boolean;
    /** Derived: bytes per cycle = gbps * 1e9 / (clock_mhz * 1e6). Infinity when ideal. */
    readonly bytesPerCycle: number;
  };
  readonly sram: Readonly<Record<BufferName, SramConfig>>;
  /** On-chip weight store (0 KiB: none): parameters that fit it are read from it instead of DRAM. */
  readonly wstore: { readonly kib: number; readonly rowBits: number; readonly bytes: number };
  /** Derived floorplan: side of each block in mm (a square macro), for operand wire lengths. */
  readonly floorplan: {
    readonly sideMm: Readonly<Record<string, number>>;
    /** Pitch of one MAC cell, mm. */
    readonly macPitchMm: number;
    /** Flip-flops clocked per instance of each unit (clock-tree energy). */
    readonly flops: Readonly<Record<string, number>>;
  };
  /** Cycles an instruction spends in the dispatcher before it reaches its queue. */
  readonly issueCycles: number;
  /**
   * Energy per action (unit per isa/counters.ts priceUnit: pJ, pJ/byte, pJ/bit, pJ/bit-mm, pJ/cycle), keyed by
   * exactly the counter names of isa/counters.ts ACTION_COUNTERS, e.g. "mac.mult8", "sram.act.read", "clock.mac".
   */
  readonly energy: Readonly<Record<string, Sourced>>;
  /** Leakage power per unit instance in uW, keyed by isa/counters.ts LEAKING_UNITS ("mac", "pool", "vec", "dma", "sram.act", …). */
  readonly leakage: Readonly<Record<string, Sourced>>;
  /** Area per unit instance in um^2 (an SRAM buffer's CACTI mm^2 converted), keyed by LEAKING_UNITS like `leakage`. */
  readonly area: Readonly<Record<string, Sourced>>;
  /** Derived peaks, per cycle. */
  readonly peak: { readonly macsPerCycle: number; readonly addsPerCycle: number; readonly vecPerCycle: number };
  /** Free text of the preset or file. */
  readonly description?: string;
  /** Where each scalar value comes from, keyed by dotted path ("mac.rows"). */
  readonly sources?: Readonly<Record<string, string>>;
  /** Derived: how many instances of each leaking unit (isa/counters.ts LEAKING_UNITS) the machine has. */
  readonly instances: Readonly<Record<string, number>>;
}
