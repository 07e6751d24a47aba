// `sumac inspect`: not built yet.
import type { SumacCommand } from "../command.js";
import { InputError } from "../../isa/errors.js";

export const inspectCommand: SumacCommand = {
  command: "inspect",
  describe: "(inspect: not built yet)",
  builder: (y) => y,
  handler: () => {
    throw new InputError("'inspect' is not built yet");
  },
};
