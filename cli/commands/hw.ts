// `sumac hw`: not built yet.
import type { SumacCommand } from "../command.js";
import { InputError } from "../../isa/errors.js";

export const hwCommand: SumacCommand = {
  command: "hw",
  describe: "(hw: not built yet)",
  builder: (y) => y,
  handler: () => {
    throw new InputError("'hw' is not built yet");
  },
};
