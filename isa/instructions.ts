// The instruction set of the sumac machine, defined once. Encoder, decoder, assembler, disassembler,
// the compiler's lowering and the simulator's semantics all derive from this table; nothing else
// spells an opcode or a field width.
//
// Every instruction is one 128-bit word. Bits are packed LSB-first in the order the fields are listed:
// first the common header (opcode, wait, signal), then the row's own fields.
//
// Memory model: DRAM and every SRAM buffer are byte-addressed. An element occupies `elementBytes` bytes
// (act/wgt: 1, acc/par: 4, pool: the `bits` of the pool instruction that wrote it / 8). Tiles are dense
// [c][h][w] blocks in SRAM; in DRAM a tile is addressed with a row stride and a plane stride (NCHW).
//
// Synchronisation: each unit queue executes in order. Between every ordered pair of queues there is a
// FIFO token channel. `wait` lists queues to take one token from (channel q -> this queue) before the
// instruction starts; `signal` lists queues to give one token to (channel this queue -> q) when it ends.

import { ACT_FNS } from "./activation.js";
import { RESIZE_COORDS, RESIZE_MODES } from "./resize.js";
import type { InstrSpec } from "./types.js";

/** Queues that own an instruction stream and can exchange tokens, in bit order of the wait/signal masks. */
export const QUEUES = ["ld", "st", "pool", "mac", "vec"] as const;
export type Queue = (typeof QUEUES)[number];

/** On-chip buffers, in encoding order. */
export const BUFFERS = ["act", "pool", "wgt", "acc", "par"] as const;
export type Buffer = (typeof BUFFERS)[number];

/** Bytes per element of a buffer; `pool` depends on the pool instruction's output bits. */
export const ELEMENT_BYTES: Record<Exclude<Buffer, "pool">, number> = { act: 1, wgt: 1, acc: 4, par: 4 };

/** SRAM addresses are encoded in units of this many bytes (one 128-bit row). */
export const SRAM_ADDR_UNIT = 16;

// Generic in the name so that the field names stay literal types (isa/build.ts types instructions by them).
const sram = <N extends string>(name: N, doc: string) => ({ name, bits: 16, scale: SRAM_ADDR_UNIT, doc }) as const;
const chw = [
  { name: "c", bits: 12, doc: "channels" },
  { name: "h", bits: 10, doc: "rows" },
  { name: "w", bits: 10, doc: "columns" },
] as const;

/** Common header, present in every word. */
export const HEADER = [
  { name: "opcode", bits: 5, doc: "instruction opcode" },
  { name: "wait", bits: 5, kind: "queues", doc: "queues whose channel to this queue must hold a token" },
  { name: "signal", bits: 5, kind: "queues", doc: "queues whose channel from this queue receives a token" },
] as const;

export const INSTRUCTIONS = [
  {
    mnemonic: "load",
    opcode: 1,
    unit: "ld",
    doc: "DRAM -> SRAM tile copy with zero padding; src=act: a local padded copy out of the act buffer",
    semantics:
      "for c,y,x: buf[sram + (c*(h+pt+pb) + y)*(w+pl+pr) + x] = inside ? src[dram + ((c*prows + y-pt)*rstride + x-pl)] : 0",
    fields: [
      { name: "buf", bits: 3, kind: "enum", values: BUFFERS, doc: "destination buffer" },
      sram("sram", "destination SRAM byte address"),
      { name: "dram", bits: 28, doc: "source byte address (in DRAM, or in the act buffer when src=act)" },
      ...chw,
      { name: "rstride", bits: 12, doc: "source row stride, elements" },
      { name: "prows", bits: 12, doc: "source plane stride, rows (plane stride = prows * rstride)" },
      { name: "pt", bits: 2, doc: "zero rows above" },
      { name: "pb", bits: 2, doc: "zero rows below" },
      { name: "pl", bits: 2, doc: "zero columns left" },
      { name: "pr", bits: 2, doc: "zero columns right" },
      // Last, so every older field keeps its bit position (126 -> 127 bits).
      {
        name: "src",
        bits: 1,
        kind: "enum",
        values: ["dram", "act"],
        doc: "source space: DRAM, or the act SRAM (1-byte elements)",
      },
    ],
    syntax: [
      { mem: "buf", addr: "sram" },
      "<-",
      { mem: "src", addr: "dram" },
      { key: "shape", fields: ["c", "h", "w"] },
      { key: "rstride", fields: ["rstride"] },
      { key: "prows", fields: ["prows"] },
      { key: "pad", fields: ["pt", "pb", "pl", "pr"] },
    ],
  },
  {
    mnemonic: "store",
    opcode: 2,
    unit: "st",
    doc: "SRAM -> DRAM tile copy",
    semantics: "for c,y,x: dram[dram + ((c*prows + y)*rstride + x)] = buf[sram + (c*h + y)*w + x]",
    fields: [
      { name: "buf", bits: 3, kind: "enum", values: BUFFERS, doc: "source buffer" },
      sram("sram", "source SRAM byte address"),
      { name: "dram", bits: 28, doc: "destination DRAM byte address" },
      ...chw,
      { name: "rstride", bits: 12, doc: "DRAM row stride, elements" },
      { name: "prows", bits: 12, doc: "DRAM plane stride, rows" },
    ],
    syntax: [
      { mem: "dram", addr: "dram" },
      "<-",
      { mem: "buf", addr: "sram" },
      { key: "shape", fields: ["c", "h", "w"] },
      { key: "rstride", fields: ["rstride"] },
      { key: "prows", fields: ["prows"] },
    ],
  },
  {
    mnemonic: "pool",
    opcode: 3,
    unit: "pool",
    doc: "stride-1 3D window sum on the sum-pool adder array",
    semantics:
      "E[c,y,x] = sat_bits(round_shift(sum_{i<kc,j<kh,k<kw} act[c+i, y+j*dil, x+k*dil], shift)); out (c-kc+1, h-dil*(kh-1), w-dil*(kw-1))",
    fields: [
      sram("dst", "pool-buffer byte address of E"),
      sram("src", "act-buffer byte address of the (padded) input tile"),
      ...chw,
      { name: "kc", bits: 12, offset: 1, doc: "window depth (channels)" },
      { name: "kh", bits: 3, offset: 1, doc: "window rows" },
      { name: "kw", bits: 3, offset: 1, doc: "window columns" },
      { name: "dil", bits: 2, offset: 1, doc: "spatial dilation" },
      { name: "mode", bits: 1, kind: "enum", values: ["direct", "separable"], doc: "adder organisation" },
      { name: "bits", bits: 2, kind: "enum", values: ["8", "16", "32"], doc: "output element width" },
      { name: "shift", bits: 5, doc: "rounding right shift applied before saturation (requantise E)" },
    ],
    syntax: [
      { mem: "pool", addr: "dst" },
      "<-",
      { mem: "act", addr: "src" },
      { key: "in", fields: ["c", "h", "w"] },
      { key: "win", fields: ["kc", "kh", "kw"] },
      { key: "dil", fields: ["dil"] },
      { key: "mode", fields: ["mode"] },
      { key: "bits", fields: ["bits"] },
      { key: "shift", fields: ["shift"] },
    ],
  },
  {
    mnemonic: "conv",
    opcode: 4,
    unit: "mac",
    doc: "tile convolution on the MAC array (no padding: the input tile is already padded)",
    semantics:
      "acc[o,y,x] (+)= sum_{i,j,k} src[g(o)+i, y*stride+j*dil, x*stride+k*dil] * wgt[o,i,j,k]; depthwise: i = 0 and g(o) = o",
    fields: [
      sram("dst", "acc-buffer byte address (int32)"),
      { name: "sbuf", bits: 1, kind: "enum", values: ["act", "pool"], doc: "input buffer" },
      sram("src", "input byte address"),
      sram("wgt", "wgt-buffer byte address, [cout][cin/groups][kh][kw] int8"),
      ...chw,
      { name: "kh", bits: 3, offset: 1, doc: "kernel rows" },
      { name: "kw", bits: 3, offset: 1, doc: "kernel columns" },
      { name: "stride", bits: 2, offset: 1, doc: "stride" },
      { name: "dil", bits: 2, offset: 1, doc: "dilation" },
      { name: "cout", bits: 12, offset: 1, doc: "output channels" },
      { name: "dw", bits: 1, kind: "flag", doc: "depthwise (groups = c = cout)" },
      { name: "accum", bits: 1, kind: "flag", doc: "add to acc instead of overwriting" },
    ],
    syntax: [
      { mem: "acc", addr: "dst" },
      "<-",
      { mem: "sbuf", addr: "src" },
      { key: "w", mem: "wgt", addr: "wgt" },
      { key: "in", fields: ["c", "h", "w"] },
      { key: "k", fields: ["kh", "kw"] },
      { key: "stride", fields: ["stride"] },
      { key: "dil", fields: ["dil"] },
      { key: "cout", fields: ["cout"] },
      { flag: "dw" },
      { flag: "accum" },
    ],
  },
  {
    mnemonic: "gemm",
    opcode: 5,
    unit: "mac",
    doc: "matrix product for fully connected layers",
    semantics: "acc[m,n] (+)= sum_k src[m,k] * wgt[n,k]",
    fields: [
      sram("dst", "acc-buffer byte address (int32)"),
      { name: "sbuf", bits: 1, kind: "enum", values: ["act", "pool"], doc: "input buffer" },
      sram("src", "input byte address, [m][k]"),
      sram("wgt", "wgt-buffer byte address, [n][k] int8"),
      { name: "m", bits: 10, offset: 1, doc: "rows (batch)" },
      { name: "k", bits: 12, offset: 1, doc: "reduction length" },
      { name: "n", bits: 12, offset: 1, doc: "output features" },
      { name: "accum", bits: 1, kind: "flag", doc: "add to acc instead of overwriting" },
    ],
    syntax: [
      { mem: "acc", addr: "dst" },
      "<-",
      { mem: "sbuf", addr: "src" },
      { key: "w", mem: "wgt", addr: "wgt" },
      { key: "mkn", fields: ["m", "k", "n"] },
      { flag: "accum" },
    ],
  },
  {
    mnemonic: "vop.requant",
    opcode: 6,
    unit: "vec",
    doc: "int32 accumulators -> int8 activations, per-channel bias, multiplier, shift, then clamp",
    semantics:
      "act[c,y,x] = clamp(round_shift((acc[c,y,x] + bias[c]) * mult[c], shift[c]), lo, hi); par = lo, hi, then (bias, mult, shift) per channel",
    fields: [
      sram("dst", "act-buffer byte address"),
      sram("src", "acc-buffer byte address"),
      ...chw,
      sram("par", "par-buffer byte address"),
    ],
    syntax: [
      { mem: "act", addr: "dst" },
      "<-",
      { mem: "acc", addr: "src" },
      { key: "shape", fields: ["c", "h", "w"] },
      { key: "par", mem: "par", addr: "par" },
    ],
  },
  {
    mnemonic: "vop.add",
    opcode: 7,
    unit: "vec",
    doc: "rescaled residual add (b optional, b may be spatially subsampled), then clamp",
    semantics:
      "act[c,y,x] = clamp(round_shift(a[c,y,x]*ma + (nob ? 0 : b[c, y*bs, x*bs]*mb), shift), lo, hi); par = lo, hi, ma, mb, shift",
    fields: [
      sram("dst", "act-buffer byte address"),
      sram("a", "act-buffer byte address of a"),
      sram("b", "act-buffer byte address of b, a [c][h*bs][w*bs] tile"),
      ...chw,
      { name: "bs", bits: 2, offset: 1, doc: "subsampling stride of b" },
      { name: "nob", bits: 1, kind: "flag", doc: "no b operand: rescale a only" },
      sram("par", "par-buffer byte address"),
    ],
    syntax: [
      { mem: "act", addr: "dst" },
      "<-",
      { mem: "act", addr: "a" },
      { key: "b", mem: "act", addr: "b" },
      { key: "shape", fields: ["c", "h", "w"] },
      { key: "bs", fields: ["bs"] },
      { flag: "nob" },
      { key: "par", mem: "par", addr: "par" },
    ],
  },
  {
    mnemonic: "vop.pool",
    opcode: 8,
    unit: "vec",
    doc: "max or average pooling over a window with implicit padding (ignored by max, counted by avg)",
    semantics:
      "act[c,y,x] = max / clamp(round_shift(sum * mult, shift)) over src[c, y*s+j-p, x*s+k-p], j,k < win; par = lo, hi, mult, shift",
    fields: [
      sram("dst", "act-buffer byte address"),
      sram("src", "act-buffer byte address of the input tile"),
      ...chw,
      { name: "op", bits: 1, kind: "enum", values: ["max", "avg"], doc: "pooling operator" },
      { name: "win", bits: 3, offset: 1, doc: "window size" },
      { name: "stride", bits: 2, offset: 1, doc: "stride" },
      { name: "pad", bits: 2, doc: "implicit padding on every side" },
      sram("par", "par-buffer byte address"),
    ],
    syntax: [
      { mem: "act", addr: "dst" },
      "<-",
      { mem: "act", addr: "src" },
      { key: "in", fields: ["c", "h", "w"] },
      { key: "op", fields: ["op"] },
      { key: "win", fields: ["win"] },
      { key: "stride", fields: ["stride"] },
      { key: "pad", fields: ["pad"] },
      { key: "par", mem: "par", addr: "par" },
    ],
  },
  {
    mnemonic: "vop.gap",
    opcode: 9,
    unit: "vec",
    doc: "global average pool of a [c][h][w] tile to c values",
    semantics: "act[c] = clamp(round_shift(sum_{y,x} src[c,y,x] * mult, shift), lo, hi); par = lo, hi, mult, shift",
    fields: [
      sram("dst", "act-buffer byte address"),
      sram("src", "act-buffer byte address"),
      ...chw,
      sram("par", "par-buffer byte address"),
    ],
    syntax: [
      { mem: "act", addr: "dst" },
      "<-",
      { mem: "act", addr: "src" },
      { key: "in", fields: ["c", "h", "w"] },
      { key: "par", mem: "par", addr: "par" },
    ],
  },
  // Priced with existing counters (simulator/work.ts): per element one sram.act.read, one 4-byte sram.par.read (the
  // table lookup: the table lives in the par SRAM) and one sram.act.write; no vec.* op, since the index x + 128 is
  // the code with its sign bit flipped and the table already holds the clamped result.
  {
    mnemonic: "vop.act",
    opcode: 11,
    unit: "vec",
    doc: "elementwise activation: a 256-entry lookup table on int8 codes; the function itself in fp32 programs",
    semantics:
      "act[c,y,x] = int8: par[src[c,y,x] + 128]; fp32: clamp(fn(src[c,y,x]), lo, hi), par = lo, hi, alpha, beta (hardsigmoid: clamp(alpha*x + beta, 0, 1))",
    fields: [
      sram("dst", "act-buffer byte address"),
      sram("src", "act-buffer byte address"),
      ...chw,
      {
        name: "fn",
        bits: 2,
        kind: "enum",
        values: ACT_FNS,
        doc: "function (isa/activation.ts); the int8 table holds it",
      },
      sram("par", "par-buffer byte address of the table (int8: 256 entries) or of lo, hi, alpha, beta (fp32)"),
    ],
    syntax: [
      { mem: "act", addr: "dst" },
      "<-",
      { mem: "act", addr: "src" },
      { key: "shape", fields: ["c", "h", "w"] },
      { key: "fn", fields: ["fn"] },
      { key: "par", mem: "par", addr: "par" },
    ],
  },
  // Priced per element as two vec.mult32 (a·b, then the rescale), a vec.shift32 and two vec.cmp8 (the clamp), like
  // vop.add's rescale; act reads for a and b (a broadcast gate once per channel), one act write, 16 par bytes.
  {
    mnemonic: "vop.mul",
    opcode: 12,
    unit: "vec",
    doc: "elementwise multiply, or a per-channel gate b[c] broadcast over each plane (squeeze-and-excitation), rescaled",
    semantics:
      "act[c,y,x] = clamp(round_shift(a[c,y,x] * (bc ? b[c] : b[c,y,x]) * mult, shift), lo, hi); par = lo, hi, mult, shift",
    fields: [
      sram("dst", "act-buffer byte address"),
      sram("a", "act-buffer byte address of a"),
      sram("b", "act-buffer byte address of b: a [c][h][w] tile, or [c] with bc"),
      ...chw,
      { name: "bc", bits: 1, kind: "flag", doc: "b holds one value per channel, broadcast over the plane" },
      sram("par", "par-buffer byte address"),
    ],
    syntax: [
      { mem: "act", addr: "dst" },
      "<-",
      { mem: "act", addr: "a" },
      { key: "b", mem: "act", addr: "b" },
      { key: "shape", fields: ["c", "h", "w"] },
      { flag: "bc" },
      { key: "par", mem: "par", addr: "par" },
    ],
  },
  // Priced per output: bilinear reads its 4 taps and does 6 vec.mult32 + 3 vec.add32 (wy·(wx·a + wx·b) + …), nearest
  // reads 1 tap; both rescale with one vec.mult32, a vec.shift32 and two vec.cmp8. The weights come from an address
  // generator (isa/resize.ts), not from SRAM. Cycles stream the taps: ceil(taps · outputs / lanes) + fill.
  {
    mnemonic: "vop.resize",
    opcode: 13,
    unit: "vec",
    doc: "upsampling of a [c][h][w] tile by integer factors, nearest or bilinear, rescaled",
    semantics:
      "act[c,y,x] = clamp(round_shift(sum_{i,j<2} wy_i(y) * wx_j(x) * src[c, ry_i(y), rx_j(x)] * mult, shift), lo, hi); taps and 11-bit weights per isa/resize.ts; out (c, h*sh, w*sw); par = lo, hi, mult, shift",
    fields: [
      sram("dst", "act-buffer byte address"),
      sram("src", "act-buffer byte address of the input tile"),
      ...chw,
      { name: "mode", bits: 1, kind: "enum", values: RESIZE_MODES, doc: "interpolation" },
      { name: "coord", bits: 2, kind: "enum", values: RESIZE_COORDS, doc: "source coordinate of an output (bilinear)" },
      { name: "sh", bits: 4, offset: 1, doc: "row factor" },
      { name: "sw", bits: 4, offset: 1, doc: "column factor" },
      sram("par", "par-buffer byte address"),
    ],
    syntax: [
      { mem: "act", addr: "dst" },
      "<-",
      { mem: "act", addr: "src" },
      { key: "in", fields: ["c", "h", "w"] },
      { key: "mode", fields: ["mode"] },
      { key: "coord", fields: ["coord"] },
      { key: "scale", fields: ["sh", "sw"] },
      { key: "par", mem: "par", addr: "par" },
    ],
  },
  {
    mnemonic: "sync",
    opcode: 10,
    unit: "queue",
    doc: "does nothing on the named queue except wait for and give tokens",
    semantics: "take the wait tokens, give the signal tokens",
    fields: [{ name: "q", bits: 3, kind: "enum", values: QUEUES, doc: "queue that executes it" }],
    syntax: [{ key: "q", fields: ["q"] }],
  },
  {
    mnemonic: "halt",
    opcode: 31,
    unit: "ctl",
    doc: "end of program: waits until every queue has drained",
    semantics: "stop when all queues are empty and idle",
    fields: [],
    syntax: [],
  },
] as const satisfies readonly InstrSpec[];

export type Mnemonic = (typeof INSTRUCTIONS)[number]["mnemonic"];
export type InstrRow = (typeof INSTRUCTIONS)[number];

/** Bits in one instruction word. */
export const WORD_BITS = 128;
