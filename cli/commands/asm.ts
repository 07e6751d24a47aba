// `sumac asm <in.s> [-o out.bin]`: assemble a text program into the binary (concatenated 16-byte words).
import type { SumacCommand } from "../command.js";
import { assemble } from "../../isa/asm/assemble.js";
import { encodeProgram } from "../../isa/encode.js";
import { InputError } from "../../isa/errors.js";
import type { Io } from "../io.js";

/** Reads a file or throws the CLI's one-line "no such file" error. */
export function readInput(io: Io, path: string): Uint8Array {
  if (!io.exists(path)) throw new InputError(`${path}: no such file`);
  return io.readFile(path);
}

function defaultOutput(input: string): string {
  return /\.(s|asm)$/i.test(input) ? input.replace(/\.(s|asm)$/i, ".bin") : `${input}.bin`;
}

export const asmCommand: SumacCommand = {
  builder: (y) =>
    y
      .positional("file", { type: "string", describe: "assembly source (.s)" })
      .option("o", { alias: "output", type: "string", describe: "binary to write (default: the source with .bin)" }),
  examples: [
    ["sumac asm out/program.s -o out/program.bin", "assemble, reporting every error with line, column and caret"],
  ],
  handler: (args, { io }) => {
    const file = String(args["file"]);
    const text = new TextDecoder().decode(readInput(io, file));
    const instrs = assemble(text, file);
    const bin = encodeProgram(instrs);
    const out = typeof args["o"] === "string" ? args["o"] : defaultOutput(file);
    io.writeFile(out, bin);
    io.stdout(`${file}: ${instrs.length} instruction${instrs.length === 1 ? "" : "s"}, ${bin.length} bytes → ${out}\n`);
    return 0;
  },
};
