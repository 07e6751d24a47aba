// The CLI's commands in the order `sumac --help` lists them. Each command's options, examples and handler live in
// cli/commands/<name>.ts and load only when that command runs: --help and the light commands (hw) never load the
// compiler, the simulator or the parsers' libraries, and each command loads only what it uses.
import type { CommandEntry } from "./command.js";

export const COMMANDS: readonly CommandEntry[] = [
  {
    command: "models",
    describe:
      "list the model zoo: ResNet-20/32/56 (CIFAR-10), ResNet-18/34/50 and MobileNetV2 (ImageNet) and their variants",
    load: async () => (await import("./commands/models.js")).modelsCommand,
  },
  {
    command: "count <model>",
    describe: "paper-convention adds/mults/params (and MACs), per layer and total",
    load: async () => (await import("./commands/count.js")).countCommand,
  },
  {
    command: "inspect <model>",
    describe: "layers, shapes, structure (c, n) / R, residuals and compression",
    load: async () => (await import("./commands/inspect.js")).inspectCommand,
  },
  {
    command: "compile <model>",
    describe: "compile a model for a machine: DIR/program.s, program.bin, data.bin, manifest.json",
    load: async () => (await import("./commands/compile.js")).compileCommand,
  },
  {
    command: "simulate <dir>",
    describe: "simulate a compiled program: cycles, utilisation, stalls, energy; the output tensor",
    load: async () => (await import("./commands/simulate.js")).simulateCommand,
  },
  {
    command: "run <model>",
    describe: "compile a model for a machine and simulate it: output, cycles, utilisation, energy",
    load: async () => (await import("./commands/run.js")).runCommand,
  },
  {
    command: "compare <model>",
    describe: "dense vs structured lowering of a model on one machine: cycles, work, energy, utilisation side by side",
    load: async () => (await import("./commands/compare.js")).compareCommand,
  },
  {
    command: "sweep <model> [parts..]",
    describe:
      "design-space sweep: machines (--hw A,B,…) × --set key=v1,v2,… lists, dense and structured, on all cores; --shard I/N for one slice, `sweep merge PART…` to join slices",
    load: async () => (await import("./commands/sweep.js")).sweepCommand,
  },
  {
    command: "asm <file>",
    describe: "assemble a program (text → binary of 16-byte little-endian words)",
    load: async () => (await import("./commands/asm.js")).asmCommand,
  },
  {
    command: "disasm <file>",
    describe: "disassemble a binary program to canonical assembly text",
    load: async () => (await import("./commands/disasm.js")).disasmCommand,
  },
  {
    command: "hw [preset]",
    describe: "show the resolved hardware configuration (parameters, derived values, energy/leakage/area tables)",
    load: async () => (await import("./commands/hw.js")).hwCommand,
  },
];
