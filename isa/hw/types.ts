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
  readonly clock_mhz: number;
  readonly mac: {
    readonly rows: number;
    readonly cols: number;
    readonly dataflow: Dataflow;
    readonly actBits: 8 | 16;
    readonly weightBits: 8;
    readonly accBits: 32;
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
  /** Cycles an instruction spends in the dispatcher before it reaches its queue. */
  readonly issueCycles: number;
  /**
   * Energy per action in pJ (pJ/byte for sram.* and dram.*), keyed by exactly the counter names of
   * isa/counters.ts ACTION_COUNTERS, e.g. "mac.mult8", "pool.add16", "sram.act.read", "dram.read", "instr.issue".
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
  readonly instances?: Readonly<Record<string, number>>;
}
