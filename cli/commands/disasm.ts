// `sumac disasm <in.bin> [-o out.s]`: the canonical assembly text of a binary program.
import type { SumacCommand } from "../command.js";
import { WORD_BYTES } from "../../isa/bits.js";
import { decode } from "../../isa/decode.js";
import { disassemble } from "../../isa/disasm.js";
import { InputError } from "../../isa/errors.js";
import type { Instr } from "../../isa/types.js";
import { readInput } from "./asm.js";

/** Decodes every word, collecting every bad one, so one run lists them all. */
function decodeAll(bytes: Uint8Array, file: string): Instr[] {
  if (bytes.length % WORD_BYTES !== 0)
    throw new InputError(`${file}: ${bytes.length} bytes is not a whole number of ${WORD_BYTES}-byte words`);
  const out: Instr[] = [];
  const errors: string[] = [];
  for (let i = 0; i * WORD_BYTES < bytes.length; i++) {
    try {
      out.push(decode(bytes.subarray(i * WORD_BYTES, (i + 1) * WORD_BYTES), i));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      errors.push(`${file}: ${e.message}`);
    }
  }
  if (errors.length)
    throw new InputError(`${file}: ${errors.length} bad word${errors.length === 1 ? "" : "s"}`, errors);
  return out;
}

export const disasmCommand: SumacCommand = {
  builder: (y) =>
    y
      .positional("file", { type: "string", describe: "binary program (.bin)" })
      .option("o", { alias: "output", type: "string", describe: "write the text here instead of stdout" }),
  examples: [["sumac disasm out/program.bin", "print the program; `sumac asm` reads it back to the same bytes"]],
  handler: (args, { io }) => {
    const file = String(args["file"]);
    const text = disassemble(decodeAll(readInput(io, file), file));
    if (typeof args["o"] === "string") io.writeFile(args["o"], text);
    else io.stdout(text);
    return 0;
  },
};
