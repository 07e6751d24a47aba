// `sumac disasm`: not built yet.
import type { SumacCommand } from "../command.js";
import { InputError } from "../../isa/errors.js";

export const disasmCommand: SumacCommand = {
  command: "disasm",
  describe: "(disasm: not built yet)",
  builder: (y) => y,
  handler: () => {
    throw new InputError("'disasm' is not built yet");
  },
};
