// `sumac run <model>`: compile for a machine and simulate in memory (= compile + simulate, no files between).
// The program comes from our own compiler, so a deadlock or memory fault here is an internal fault (exit 1).

import { compile } from "../../compiler/compile.js";
import { SimulationError } from "../../simulator/errors.js";
import type { SumacCommand } from "../command.js";
import { hwOptions, resolveHwFromArgs } from "../hw-options.js";
import { compileOptionsFromArgs, loadGraphFromArgs, modelOptions } from "../model-options.js";
import { readTensorFile } from "../tensor-file.js";
import { checkSimFlags, simOutputOptions, simulateAndReport } from "./simulate.js";

export const runCommand: SumacCommand = {
  builder: (y) =>
    simOutputOptions(
      modelOptions(
        hwOptions(
          y.positional("model", { type: "string", describe: "zoo name (resnet56:struct-a), .net or .onnx file" }),
        ),
      ),
    ),
  examples: [
    ["sumac run resnet20:struct-a --hw tiny --input x.f32 --output y.f32", "compile and simulate on an input"],
    ["sumac run resnet50 --timing-only --json report.json --csv layers.csv", "cycles and energy of a whole ResNet-50"],
  ],
  handler: (args, ctx) => {
    checkSimFlags(args);
    const hw = resolveHwFromArgs(args, ctx.io);
    const graph = loadGraphFromArgs(args, ctx.io);
    const opts = compileOptionsFromArgs(args, ctx.io);
    // A given input also calibrates the int8 scales (one image at a time).
    let input: Float32Array | undefined;
    const inPath = args["input"];
    if (typeof inPath === "string" && inPath !== "") {
      const shape = graph.shapes.get(graph.input.name) ?? graph.input.shape;
      const per = shape.reduce((a, b) => a * b, 1);
      const batch = opts.batch ?? 1;
      input = readTensorFile(inPath, per * batch, `${batch}x${shape.join("x")}`, ctx.io);
      const images = Array.from({ length: batch }, (_, b) => input!.slice(b * per, (b + 1) * per));
      Object.assign(opts, { calibration: images });
    } else if (args["timing-only"]) Object.assign(opts, { calibration: "nominal" }); // no data: ranges cannot matter
    const program = compile(graph, hw, opts);
    try {
      return simulateAndReport(program, hw, args, ctx, input);
    } catch (e) {
      if (e instanceof SimulationError && !e.cycleLimit)
        throw new Error(`the compiled program failed in the simulator: ${e.message}\n${e.details.join("\n")}`, {
          cause: e,
        });
      throw e;
    }
  },
};
