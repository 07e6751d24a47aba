// `sumac simulate`: not built yet.
import type { SumacCommand } from "../command.js";
import { InputError } from "../../isa/errors.js";

export const simulateCommand: SumacCommand = {
  command: "simulate",
  describe: "(simulate: not built yet)",
  builder: (y) => y,
  handler: () => {
    throw new InputError("'simulate' is not built yet");
  },
};
