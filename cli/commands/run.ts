// `sumac run`: not built yet.
import type { SumacCommand } from "../command.js";
import { InputError } from "../../isa/errors.js";

export const runCommand: SumacCommand = {
  command: "run",
  describe: "(run: not built yet)",
  builder: (y) => y,
  handler: () => {
    throw new InputError("'run' is not built yet");
  },
};
