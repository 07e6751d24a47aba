// `sumac models`: not built yet.
import type { SumacCommand } from "../command.js";
import { InputError } from "../../isa/errors.js";

export const modelsCommand: SumacCommand = {
  command: "models",
  describe: "(models: not built yet)",
  builder: (y) => y,
  handler: () => {
    throw new InputError("'models' is not built yet");
  },
};
