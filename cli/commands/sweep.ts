// `sumac sweep`: not built yet.
import type { SumacCommand } from "../command.js";
import { InputError } from "../../isa/errors.js";

export const sweepCommand: SumacCommand = {
  command: "sweep",
  describe: "(sweep: not built yet)",
  builder: (y) => y,
  handler: () => {
    throw new InputError("'sweep' is not built yet");
  },
};
