// A program the machine cannot run (deadlock, out-of-bounds access, malformed fields, cycle bound exceeded).
// It is an InputError: `sumac simulate DIR` reports it as bad input (exit 2) with the details as extra lines;
// `sumac run`, whose program came from our own compiler, turns it into an internal fault (exit 1).

import { InputError } from "../isa/errors.js";
import type { Instr } from "../isa/types.js";

export class SimulationError extends InputError {
  /** True when the run only hit the user's --max-cycles bound: the program itself may be fine. */
  readonly cycleLimit: boolean;
  constructor(message: string, details: readonly string[] = [], cycleLimit = false) {
    super(message, details);
    this.cycleLimit = cycleLimit;
  }

  /** Wraps an error raised while handling instruction `i`, naming the instruction. */
  static at(i: number, ins: Instr, e: unknown): SimulationError {
    if (e instanceof SimulationError && e.message.startsWith("instruction #")) return e;
    const msg = e instanceof Error ? e.message : String(e);
    if (!(e instanceof InputError)) throw e;
    return new SimulationError(`instruction #${i} (${ins.op}): ${msg}`, e.details);
  }
}
