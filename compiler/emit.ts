// A compiled program on disk, and back:
//   program.s      readable assembly, a `; layer <name> (<kind>, …)` comment before each layer's first instruction
//   program.bin    the 128-bit words (isa/encode.ts)
//   data.bin       the DRAM image segments back to back (little-endian int8 / int32 / float32)
//   manifest.json  the Manifest, plus the segment table (name, DRAM address, esize, type, file offset, length)
//   hw.json        the hardware config the program was compiled for, as a config document (when given)

import { InputError } from "../isa/errors.js";
import { disassemble } from "../isa/disasm.js";
import { decodeProgram } from "../isa/decode.js";
import { encodeProgram } from "../isa/encode.js";
import type { HwConfig } from "../isa/hw/types.js";
import type { Manifest, Program, Segment } from "../isa/program.js";
import { hwDocument } from "../isa/hw/document.js";

/** The minimal file access emit needs (cli/io.ts's Io satisfies it). */
export interface EmitIo {
  readonly readFile: (path: string) => Uint8Array;
  readonly writeFile: (path: string, data: string | Uint8Array) => void;
  readonly exists: (path: string) => boolean;
}

type SegmentType = "int8" | "int32" | "float32";

interface SegmentEntry {
  readonly name: string;
  readonly addr: number;
  readonly esize: 1 | 2 | 4;
  readonly type: SegmentType;
  /** Byte offset in data.bin and length in bytes there. */
  readonly offset: number;
  readonly bytes: number;
}

interface ManifestFile extends Manifest {
  readonly segments: readonly SegmentEntry[];
}

const join = (dir: string, file: string) => `${dir.replace(/[/\\]+$/, "")}/${file}`;

function typeOf(data: Segment["data"]): SegmentType {
  if (data instanceof Int8Array) return "int8";
  if (data instanceof Int32Array) return "int32";
  return "float32";
}

/** The layer comments of program.s, keyed by the index of each layer's first instruction. */
export function layerComments(program: Program): Map<number, string> {
  const comments = new Map<number, string>();
  for (const l of program.manifest.layers) {
    if (l.begin < 0 || l.begin >= l.end) continue;
    const structure = l.c !== null ? `c=${l.c}, n=${l.n}` : l.R !== null ? `R=${l.R}` : "dense";
    const text = `layer ${l.name} (${l.kind}, ${structure})`;
    const prev = comments.get(l.begin);
    comments.set(l.begin, prev ? `${prev}\n${text}` : text);
  }
  return comments;
}

export function programText(program: Program): string {
  const m = program.manifest;
  const head = `; ${m.model} (${m.mode}, ${m.dtype}, batch ${m.batch}) for ${m.hw.id}\n`;
  return head + disassemble(program.instructions, { comments: layerComments(program) });
}

export function writeProgram(dir: string, program: Program, io: EmitIo, hw?: HwConfig): void {
  const segments: SegmentEntry[] = [];
  let offset = 0;
  for (const s of program.image) {
    const bytes = s.data.byteLength;
    segments.push({ name: s.name, addr: s.addr, esize: s.esize, type: typeOf(s.data), offset, bytes });
    offset += bytes;
  }
  const data = new Uint8Array(offset);
  for (const [i, s] of program.image.entries())
    data.set(new Uint8Array(s.data.buffer, s.data.byteOffset, s.data.byteLength), segments[i]!.offset);
  const manifest: ManifestFile = { ...program.manifest, segments };
  io.writeFile(join(dir, "program.s"), programText(program));
  io.writeFile(join(dir, "program.bin"), encodeProgram(program.instructions));
  io.writeFile(join(dir, "data.bin"), data);
  io.writeFile(join(dir, "manifest.json"), `${JSON.stringify(manifest, null, 1)}\n`);
  if (hw) io.writeFile(join(dir, "hw.json"), `${JSON.stringify(hwDocument(hw), null, 1)}\n`);
}

function readIn(io: EmitIo, dir: string, file: string): Uint8Array {
  const p = join(dir, file);
  if (!io.exists(p)) throw new InputError(`${p}: missing (not a program directory written by 'sumac compile'?)`);
  return io.readFile(p);
}

/** Reads a program directory; checks the manifest's format and that data.bin and program.bin match it. */
export function readProgram(dir: string, io: EmitIo): Program {
  const manifestPath = join(dir, "manifest.json");
  let m: ManifestFile;
  try {
    m = JSON.parse(new TextDecoder().decode(readIn(io, dir, "manifest.json"))) as ManifestFile;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${manifestPath}: not valid JSON (${(e as Error).message})`);
  }
  if (m.format !== "sumac-program-1")
    throw new InputError(`${manifestPath}: format '${String(m.format)}' is not sumac-program-1`);
  const shape = m as { segments?: unknown; layers?: unknown; hw?: unknown };
  if (!Array.isArray(shape.segments) || !Array.isArray(shape.layers) || !shape.hw)
    throw new InputError(`${manifestPath}: missing segments, layers or hw`);
  const instructions = decodeProgram(readIn(io, dir, "program.bin"));
  const data = readIn(io, dir, "data.bin");
  // Copy into an aligned buffer so typed views of any element size are possible.
  const aligned = new Uint8Array(data.byteLength);
  aligned.set(data);
  const image: Segment[] = m.segments.map((s) => {
    if (s.offset < 0 || s.offset + s.bytes > aligned.byteLength)
      throw new InputError(`${manifestPath}: segment '${s.name}' lies outside data.bin`);
    const buf = aligned.buffer.slice(s.offset, s.offset + s.bytes);
    const view =
      s.type === "int8" ? new Int8Array(buf) : s.type === "int32" ? new Int32Array(buf) : new Float32Array(buf);
    return { name: s.name, addr: s.addr, esize: s.esize, data: view };
  });
  for (const l of m.layers) {
    if (l.end > instructions.length)
      throw new InputError(
        `${manifestPath}: layer '${l.name}' ends past the program (${instructions.length} instructions)`,
      );
  }
  const manifest = Object.fromEntries(Object.entries(m).filter(([k]) => k !== "segments")) as unknown as Manifest;
  return { instructions, image, manifest };
}
