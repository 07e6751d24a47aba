// `sumac compare`: not built yet.
import type { SumacCommand } from "../command.js";
import { InputError } from "../../isa/errors.js";

export const compareCommand: SumacCommand = {
  command: "compare",
  describe: "(compare: not built yet)",
  builder: (y) => y,
  handler: () => {
    throw new InputError("'compare' is not built yet");
  },
};
