// `sumac asm`: not built yet.
import type { SumacCommand } from "../command.js";
import { InputError } from "../../isa/errors.js";

export const asmCommand: SumacCommand = {
  command: "asm",
  describe: "(asm: not built yet)",
  builder: (y) => y,
  handler: () => {
    throw new InputError("'asm' is not built yet");
  },
};
