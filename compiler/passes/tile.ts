// Tile pass: per layer, choose tile sizes that fit the on-chip buffers of the machine.
// A tile is a block of output rows x output channels (convs), output features (fc), channel planes (pooling)
// or rows x channels (residual add). Each buffer role gets one or two equal slots (two = double buffering);
// the allocate pass packs those slots into SRAM addresses, the schedule pass walks the tiles.

import { InputError } from "../../isa/errors.js";
import type { HwConfig, BufferName } from "../../isa/hw/types.js";
import { SRAM_ADDR_UNIT } from "../../isa/instructions.js";
import type { AddLayer, ConvLayer, FcLayer, GapLayer, Layer, LayerProgram, PoolLayer } from "../layers.js";

/** Largest zero padding a load may add on one side (the load's pt/pb/pl/pr fields are 2 bits). */
export const MAX_LOAD_PAD = 3;
/** Largest implicit padding of vop.pool (2-bit field). */
export const MAX_POOL_PAD = 3;

export const align16 = (bytes: number): number => Math.ceil(bytes / SRAM_ADDR_UNIT) * SRAM_ADDR_UNIT;

/** A buffer role of a layer: `count` slots of `bytes` each (already 16-byte aligned). */
export interface SlotNeed {
  readonly buf: BufferName;
  readonly role: "in" | "b" | "e" | "out" | "acc" | "wgt" | "par";
  readonly bytes: number;
  readonly count: number;
}

interface PlanBase {
  readonly layer: Layer;
  readonly slots: readonly SlotNeed[];
}

/** Conv (dense, depthwise or structured). Tiles: rows x cout (x cin chunks for dense, non-depthwise convs). */
export interface ConvPlan extends PlanBase {
  readonly kind: "conv";
  readonly layer: ConvLayer;
  readonly structured: boolean;
  readonly depthwise: boolean;
  readonly rows: number;
  /** Output columns per tile (the full width unless even one full-width row does not fit). */
  readonly cols: number;
  /** Output channels per tile (depthwise: channels per tile). */
  readonly cout: number;
  /** Input channels per chunk (accumulated); = cin when not chunked. */
  readonly cin: number;
  readonly wgtResident: boolean;
  readonly parResident: boolean;
  /** Element width of E in bytes (structured only). */
  readonly eBytes: number;
}

/** Fully connected (dense or structured). Tiles: output features x reduction chunks (dense). */
export interface FcPlan extends PlanBase {
  readonly kind: "fc";
  readonly layer: FcLayer;
  readonly structured: boolean;
  readonly cout: number;
  readonly k: number;
  readonly wgtResident: boolean;
  readonly parResident: boolean;
  readonly eBytes: number;
}

/** max/avg/global pooling: channel tiles of whole planes. */
export interface PoolPlan extends PlanBase {
  readonly kind: "pool";
  readonly layer: PoolLayer | GapLayer;
  readonly channels: number;
}

/** Residual add: rows x channels; channel tiles never straddle the edges of an option-A shortcut's channels. */
export interface AddPlan extends PlanBase {
  readonly kind: "add";
  readonly layer: AddLayer;
  readonly rows: number;
  readonly channels: number;
  /** Subsampling of b (1 normally, the shortcut stride for option A). */
  readonly bs: number;
}

export type LayerPlan = ConvPlan | FcPlan | PoolPlan | AddPlan;

export interface TileOptions {
  readonly dtype: "int8" | "fp32";
  /**
   * Width of E in the pool buffer when the layer has no quantised eBits (fp32 programs): the machine's
   * pool.outBits, so an fp32 program has the same tiles and traffic as its int8 twin (the fp32 simulator keeps
   * full float values whatever the element width).
   */
  readonly poolOutBits: 8 | 16 | 32;
}

// ---------------------------------------------------------------------------------------------------------
// Geometry shared with the schedule pass (one source of truth for halos and tile shapes).

export function chw(shape: readonly number[]): [number, number, number] {
  if (shape.length === 1) return [shape[0]!, 1, 1];
  if (shape.length === 3) return [shape[0]!, shape[1]!, shape[2]!];
  throw new Error(`unexpected tensor shape [${shape.join(",")}]`);
}

/** Input rows (in padded coordinates) a conv needs for `rows` output rows: the halo formula. */
export const inRowsFor = (rows: number, stride: number, dil: number, k: number): number =>
  (rows - 1) * stride + dil * (k - 1) + 1;

/** Tile sizes to try, largest first: n split into 1..16 equal parts, then halving down to 1 (rounded to `multipleOf`). */
function candidates(n: number, multipleOf = 1): number[] {
  const out = new Set<number>();
  const add = (t: number) => out.add(t >= n ? n : Math.max(multipleOf, Math.ceil(t / multipleOf) * multipleOf));
  for (let parts = 1; parts <= Math.min(n, 8); parts++) add(Math.ceil(n / parts));
  for (let t = Math.ceil(n / 16); t >= 1; t = t === 1 ? 0 : Math.ceil(t / 2)) add(t);
  return [...out].sort((a, b) => b - a);
}

interface Budget {
  readonly bytes: Record<BufferName, number>;
}

/** Fits slot needs into the buffers: tries two slots of every role first, then single slots. */
function fit(
  needs: readonly Omit<SlotNeed, "count">[],
  budget: Budget,
  resident: ReadonlySet<string>,
  counts: readonly number[] = [2, 1],
): SlotNeed[] | null {
  for (const count of counts) {
    const used: Record<BufferName, number> = { act: 0, pool: 0, wgt: 0, acc: 0, par: 0 };
    const slots = needs.map((n) => ({ ...n, count: resident.has(n.role) ? 1 : count }));
    for (const s of slots) used[s.buf] += s.bytes * s.count;
    if ((Object.keys(used) as BufferName[]).every((b) => used[b] <= budget.bytes[b])) return slots;
  }
  return null;
}

/** The first buffer that overflows with single slots, for error messages. */
function overflow(
  needs: readonly Omit<SlotNeed, "count">[],
  budget: Budget,
): { buf: BufferName; need: number; have: number } {
  const used: Record<BufferName, number> = { act: 0, pool: 0, wgt: 0, acc: 0, par: 0 };
  for (const s of needs) used[s.buf] += s.bytes;
  for (const b of ["act", "pool", "wgt", "acc", "par"] as const) {
    if (used[b] > budget.bytes[b]) return { buf: b, need: used[b], have: budget.bytes[b] };
  }
  return { buf: "act", need: used.act, have: budget.bytes.act };
}

function cannotFit(layer: Layer, what: string, needs: readonly Omit<SlotNeed, "count">[], budget: Budget): never {
  const o = overflow(needs, budget);
  throw new InputError(`layer '${layer.name}': even ${what} needs ${o.need} bytes of ${o.buf} SRAM (have ${o.have})`);
}

/** Requant parameter table of `ch` channels: lo, hi, then (bias, mult, shift) per channel, int32. */
export const requantParBytes = (ch: number): number => align16((2 + 3 * ch) * 4);
/** add: lo, hi, ma, mb, shift. pool/gap: lo, hi, mult, shift. */
export const ADD_PAR_BYTES = align16(5 * 4);
export const POOL_PAR_BYTES = align16(4 * 4);

/** Bytes of all weight blocks of a layer laid out tile by tile (cout tiles x cin chunks), each block 16-byte aligned. */
export function blockedBytes(nOut: number, tOut: number, nIn: number, tIn: number, perPair: number): number {
  // Tiles come in at most two sizes per dimension (full and remainder): sum the four kinds in closed form.
  const fo = Math.floor(nOut / tOut),
    ro = nOut % tOut;
  const fi = Math.floor(nIn / tIn),
    ri = nIn % tIn;
  const blk = (o: number, i: number) => (o > 0 && i > 0 ? align16(o * i * perPair) : 0);
  return (
    fo * fi * blk(tOut, tIn) +
    fo * (ri > 0 ? 1 : 0) * blk(tOut, ri) +
    (ro > 0 ? 1 : 0) * fi * blk(ro, tIn) +
    blk(ro, ri)
  );
}

export function parTableBytes(nOut: number, tOut: number): number {
  const ro = nOut % tOut;
  return Math.floor(nOut / tOut) * requantParBytes(tOut) + (ro > 0 ? requantParBytes(ro) : 0);
}

// ---------------------------------------------------------------------------------------------------------

function tileConv(layer: ConvLayer, budget: Budget, opts: TileOptions, hw: HwConfig): ConvPlan {
  const [C, , W] = chw(layer.inShape);
  const [, Ho, Wo] = chw(layer.outShape);
  const [pt, pl, pb, pr] = layer.pads;
  if (Math.max(pt, pl, pb, pr) > MAX_LOAD_PAD) {
    throw new InputError(
      `layer '${layer.name}': padding ${layer.pads.join(",")} exceeds the load's limit of ${MAX_LOAD_PAD} per side`,
    );
  }
  const depthwise = layer.groups > 1 && layer.groups === C && layer.cout === C;
  if (layer.groups > 1 && !depthwise) {
    throw new InputError(
      `layer '${layer.name}': grouped convolution with ${layer.groups} groups is not supported (only depthwise or dense)`,
    );
  }
  const d = layer.dilation;
  const s = layer.stride;
  const st = layer.structured;
  const structured = st !== undefined;
  const eBytes = structured ? (layer.q?.eBits ?? opts.poolOutBits) / 8 : 0;
  const Wp = W + pl + pr;
  if (layer.kw !== layer.kh)
    throw new InputError(`layer '${layer.name}': non-square kernel ${layer.kh}x${layer.kw} is not supported`);
  const k = layer.kh;
  const perPair = structured ? st.n * st.n : layer.kh * layer.kw;
  const wIn = structured ? (depthwise ? 1 : st.c) : depthwise ? 1 : C;
  const cout = layer.cout;

  const cinChoices = structured || depthwise ? [C] : candidates(C);
  const coutChoices = candidates(cout);
  const needsFor = (
    tc: number,
    to: number,
    rows: number,
    wgtAll: number | null,
    parAll: number | null,
    cols = Wo,
  ): Omit<SlotNeed, "count">[] => {
    const inRows = inRowsFor(rows, s, d, k);
    const Wp = cols === Wo ? W + pl + pr : inRowsFor(cols, s, d, k);
    const needs: Omit<SlotNeed, "count">[] = [
      { buf: "act", role: "in", bytes: align16((depthwise ? to : tc) * inRows * Wp) },
      { buf: "act", role: "out", bytes: align16(to * rows * cols) },
      { buf: "acc", role: "acc", bytes: align16(to * rows * cols * 4) },
      { buf: "wgt", role: "wgt", bytes: wgtAll ?? align16(to * (structured || depthwise ? wIn : tc) * perPair) },
      { buf: "par", role: "par", bytes: parAll ?? requantParBytes(to) },
    ];
    if (structured) {
      const eRows = inRowsFor(rows, s, d, st.n);
      const eW = Wp - d * (k - st.n);
      needs.push({ buf: "pool", role: "e", bytes: align16((depthwise ? to : st.c) * eRows * eW * eBytes) });
    }
    return needs;
  };

  let best: { plan: ConvPlan; cost: number } | null = null;
  // Full-width rows first; column tiles (with their own halo columns) only when not even one full row fits.
  for (const cols of [Wo, ...candidates(Wo).filter((c) => c < Wo)]) {
    // Dense non-depthwise convs may chunk input channels; structured sum-pools need every channel at once.
    for (const tc of cinChoices) {
      for (const to of coutChoices) {
        const wBytesAll = depthwise
          ? blockedBytes(cout, to, 1, 1, perPair)
          : blockedBytes(cout, to, wIn, structured ? wIn : tc, perPair);
        const parAll = parTableBytes(cout, to);
        const wgtResident = wBytesAll <= budget.bytes.wgt;
        const parResident = parAll <= budget.bytes.par;
        const resident = new Set<string>([...(wgtResident ? ["wgt"] : []), ...(parResident ? ["par"] : [])]);
        let wholeDouble = false;
        for (const count of [2, 1]) {
          const tryRows = (rows: number) =>
            fit(
              needsFor(tc, to, rows, wgtResident ? wBytesAll : null, parResident ? parAll : null, cols),
              budget,
              resident,
              [count],
            );
          // Needs grow with rows: binary search the largest row count that fits.
          if (!tryRows(1)) continue;
          let lo = 1;
          let hi = Ho;
          while (lo < hi) {
            const mid = Math.ceil((lo + hi) / 2);
            if (tryRows(mid)) lo = mid;
            else hi = mid - 1;
          }
          // Even out the row tiles: the same number of tiles with the smallest equal height.
          const nY = Math.ceil(Ho / lo);
          const rows = Math.ceil(Ho / nY);
          const slots = tryRows(rows)!;
          const nO = Math.ceil(cout / to);
          const nC = Math.ceil(C / tc);
          const inRows = inRowsFor(rows, s, d, k);
          const nX = Math.ceil(Wo / cols);
          const inCols = cols === Wo ? Wp : inRowsFor(cols, s, d, k);
          const inLoads = (depthwise || tc === C ? C * inRows * inCols * nY : C * inRows * inCols * nY * nO) * nX;
          const wLoads = wgtResident ? wBytesAll : wBytesAll * nY * nX;
          const tiles = nY * nO * nC * nX;
          const single = slots.some((x) => x.count === 1 && !resident.has(x.role));
          if (rows === Ho && cols === Wo && !single) wholeDouble = true;
          // Estimated cycles: DRAM traffic, MAC-array folds (weight-stationary: cout across columns, the reduction
          // across rows; a narrow tile leaves columns idle) and a fixed cost per tile. Single buffering serialises
          // loads and compute; double buffering overlaps them.
          const fill = (x: number, lanes: number) => x / (Math.ceil(x / lanes) * lanes);
          const red = (depthwise ? 1 : structured ? st.c : tc) * perPair;
          const macCycles =
            (cout * Ho * Wo * red * Math.ceil(C / (structured || depthwise ? C : tc))) /
            (hw.mac.rows * hw.mac.cols * fill(to, hw.mac.cols) * fill(red, hw.mac.rows));
          const dramCycles = Number.isFinite(hw.dram.bytesPerCycle) ? (inLoads + wLoads) / hw.dram.bytesPerCycle : 0;
          const cost = (single ? dramCycles + macCycles : Math.max(dramCycles, macCycles)) + 64 * tiles;
          if (!best || cost < best.cost) {
            best = {
              cost,
              plan: {
                kind: "conv",
                layer,
                structured,
                depthwise,
                rows,
                cols,
                cout: to,
                cin: depthwise ? to : tc,
                wgtResident,
                parResident,
                eBytes,
                slots,
              },
            };
          }
        }
        // Whole output planes, double-buffered: narrower cout tiles only add tiles.
        if (wholeDouble) break;
      }
      // Whole input channels fit: chunking them would only reload the input once per cout tile.
      if (best && tc === C) break;
    }
    if (best) break;
  }
  if (!best)
    cannotFit(
      layer,
      "a 1-row tile",
      needsFor(cinChoices[cinChoices.length - 1]!, coutChoices[coutChoices.length - 1]!, 1, null, null),
      budget,
    );
  return best.plan;
}

function tileFc(layer: FcLayer, budget: Budget, opts: TileOptions): FcPlan {
  const st = layer.structured;
  const structured = st !== undefined;
  const eBytes = structured ? (layer.q?.eBits ?? opts.poolOutBits) / 8 : 0;
  const kTotal = structured ? st.R : layer.Q;
  let best: { plan: FcPlan; cost: number } | null = null;
  let minimal: Omit<SlotNeed, "count">[] | null = null;
  // The reduction chunk must start on a 16-byte SRAM row of the input vector, hence multiples of 16.
  const kChoices = structured ? [kTotal] : candidates(kTotal, 16);
  for (const tk of kChoices) {
    for (const to of candidates(layer.P)) {
      const wAll = blockedBytes(layer.P, to, kTotal, tk, 1);
      const parAll = parTableBytes(layer.P, to);
      const wgtResident = wAll <= budget.bytes.wgt;
      const parResident = parAll <= budget.bytes.par;
      const resident = new Set<string>([...(wgtResident ? ["wgt"] : []), ...(parResident ? ["par"] : [])]);
      const needs: Omit<SlotNeed, "count">[] = [
        { buf: "act", role: "in", bytes: align16(layer.Q) },
        { buf: "act", role: "out", bytes: align16(to) },
        { buf: "acc", role: "acc", bytes: align16(to * 4) },
        { buf: "wgt", role: "wgt", bytes: wgtResident ? wAll : align16(to * tk) },
        { buf: "par", role: "par", bytes: parResident ? parAll : requantParBytes(to) },
      ];
      if (structured) needs.push({ buf: "pool", role: "e", bytes: align16(st.R * eBytes) });
      minimal = needs;
      const slots = fit(needs, budget, resident);
      if (!slots) continue;
      const tiles = Math.ceil(layer.P / to) * Math.ceil(kTotal / tk);
      const cost = wAll + 256 * tiles;
      if (!best || cost < best.cost)
        best = {
          cost,
          plan: { kind: "fc", layer, structured, cout: to, k: tk, wgtResident, parResident, eBytes, slots },
        };
    }
  }
  if (!best) cannotFit(layer, "a 1-feature tile", minimal ?? [], budget);
  return best.plan;
}

function tilePool(layer: PoolLayer | GapLayer, budget: Budget): PoolPlan {
  const [C, H, W] = chw(layer.inShape);
  const [, Ho, Wo] = chw(layer.outShape);
  if (layer.kind !== "gap" && layer.pad > MAX_POOL_PAD)
    throw new InputError(`layer '${layer.name}': pooling padding ${layer.pad} exceeds ${MAX_POOL_PAD}`);
  let minimal: Omit<SlotNeed, "count">[] = [];
  for (const ch of candidates(C)) {
    const needs: Omit<SlotNeed, "count">[] = [
      { buf: "act", role: "in", bytes: align16(ch * H * W) },
      { buf: "act", role: "out", bytes: align16(ch * Ho * Wo) },
      { buf: "par", role: "par", bytes: POOL_PAR_BYTES },
    ];
    minimal = needs;
    const slots = fit(needs, budget, new Set(["par"]));
    if (slots) return { kind: "pool", layer, channels: ch, slots };
  }
  return cannotFit(layer, "a 1-channel tile", minimal, budget);
}

function tileAdd(layer: AddLayer, budget: Budget, onlyRows?: number): AddPlan {
  const [C, Ho, Wo] = chw(layer.outShape);
  const bs = layer.shortcut?.stride ?? 1;
  let minimal: Omit<SlotNeed, "count">[] = [];
  for (const ch of candidates(C)) {
    for (
      let rows = onlyRows ?? Ho;
      rows >= 1;
      rows =
        onlyRows !== undefined ? 0 : rows > 8 ? Math.ceil(rows / 2) - (rows === Math.ceil(rows / 2) ? 1 : 0) : rows - 1
    ) {
      const needs: Omit<SlotNeed, "count">[] = [
        { buf: "act", role: "in", bytes: align16(ch * rows * Wo) },
        { buf: "act", role: "b", bytes: align16(ch * rows * bs * Wo * bs) },
        { buf: "act", role: "out", bytes: align16(ch * rows * Wo) },
        { buf: "par", role: "par", bytes: ADD_PAR_BYTES },
      ];
      minimal = needs;
      const slots = fit(needs, budget, new Set(["par"]));
      if (slots) return { kind: "add", layer, rows, channels: ch, bs, slots };
    }
  }
  return cannotFit(layer, "a 1-row, 1-channel tile", minimal, budget);
}

/**
 * A residual add tiled with exactly `rows` output rows per tile (the residency pass aligns an add's row tiles with
 * the row blocks its operand was produced in), or null when such tiles do not fit.
 */
export function tileAddWithRows(layer: AddLayer, hw: HwConfig, rows: number): AddPlan | null {
  try {
    return tileAdd(layer, budgetOf(hw), rows);
  } catch {
    return null;
  }
}

const budgetOf = (hw: HwConfig): Budget => ({
  bytes: {
    act: hw.sram.act.bytes,
    pool: hw.sram.pool.bytes,
    wgt: hw.sram.wgt.bytes,
    acc: hw.sram.acc.bytes,
    par: hw.sram.par.bytes,
  },
});

export function tileLayer(layer: Layer, hw: HwConfig, opts: TileOptions): LayerPlan {
  const budget: Budget = {
    bytes: {
      act: hw.sram.act.bytes,
      pool: hw.sram.pool.bytes,
      wgt: hw.sram.wgt.bytes,
      acc: hw.sram.acc.bytes,
      par: hw.sram.par.bytes,
    },
  };
  switch (layer.kind) {
    case "conv":
      return tileConv(layer, budget, opts, hw);
    case "fc":
      return tileFc(layer, budget, opts);
    case "maxpool":
    case "avgpool":
    case "gap":
      return tilePool(layer, budget);
    case "add":
      return tileAdd(layer, budget);
    case "sumpool":
      throw new InputError(
        `layer '${layer.name}': an explicit sum-pool layer is not supported by the back end (structure the following conv instead)`,
      );
  }
}

/** The tile pass over a whole layer program. */
export function tileProgram(lp: LayerProgram, hw: HwConfig): LayerPlan[] {
  return lp.layers.map((l) => tileLayer(l, hw, { dtype: lp.dtype, poolOutBits: hw.pool.outBits }));
}
