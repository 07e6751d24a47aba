// `sumac compile`: not built yet.
import type { SumacCommand } from "../command.js";
import { InputError } from "../../isa/errors.js";

export const compileCommand: SumacCommand = {
  command: "compile",
  describe: "(compile: not built yet)",
  builder: (y) => y,
  handler: () => {
    throw new InputError("'compile' is not built yet");
  },
};
