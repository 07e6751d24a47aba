// `sumac count`: not built yet.
import type { SumacCommand } from "../command.js";
import { InputError } from "../../isa/errors.js";

export const countCommand: SumacCommand = {
  command: "count",
  describe: "(count: not built yet)",
  builder: (y) => y,
  handler: () => {
    throw new InputError("'count' is not built yet");
  },
};
