// Layer names of an elaborated .net network mirror PyTorch module paths (`layer2.0.conv1`, `classifier.1`), so a
// zoo model's layers read like the PyTorch model's they were written from.
import type { Label } from "./ast.js";

/** Where names are being handed out: a prefix (`layer1.0.`) and the counters for unlabelled statements. */
export interface Scope {
  readonly prefix: string;
  /** A `seq` (PyTorch nn.Sequential): unlabelled children are named 0, 1, 2, … */
  readonly indexed: boolean;
  next: number;
  readonly counters: Map<string, number>;
}

export const newScope = (prefix: string, indexed: boolean): Scope => ({
  prefix,
  indexed,
  next: 0,
  counters: new Map(),
});

/** Auto names follow torchvision: conv1, bn1, conv2, …; relu, relu_1; fc; avgpool. */
const AUTO_NAME: Record<string, { base: string; numbered: boolean }> = {
  conv: { base: "conv", numbered: true },
  bn: { base: "bn", numbered: true },
  relu: { base: "relu", numbered: false },
  relu6: { base: "relu", numbered: false },
  clip: { base: "clip", numbered: false },
  fc: { base: "fc", numbered: false },
  maxpool: { base: "maxpool", numbered: false },
  avgpool: { base: "avgpool", numbered: false },
  gap: { base: "avgpool", numbered: false },
  flatten: { base: "flatten", numbered: false },
  shortcutA: { base: "shortcut", numbered: false },
  add: { base: "add", numbered: false },
  concat: { base: "cat", numbered: false },
  gate: { base: "mul", numbered: false },
};

/** The name of a statement's node or scope: its label, its index in a seq, or a torchvision-like auto name. */
export function nameFor(scope: Scope, label: Label | null, kind: string): string {
  if (label) return scope.prefix + label.parts.join(".");
  if (scope.indexed) return scope.prefix + String(scope.next++);
  const auto = AUTO_NAME[kind] ?? { base: kind, numbered: false };
  const count = (scope.counters.get(auto.base) ?? 0) + 1;
  scope.counters.set(auto.base, count);
  const name = auto.numbered ? `${auto.base}${count}` : count === 1 ? auto.base : `${auto.base}_${count - 1}`;
  return scope.prefix + name;
}
