// What each layer keyword accepts: positional argument names (in order), every named argument, and its annotation keys.
import type { LayerKind } from "./tokens.js";

export interface LayerSpec {
  /** Names that positional arguments bind to, in order. */
  readonly positional: readonly string[];
  /** Every accepted argument name; those that take a kernel size literal (3x3) are listed in `kernel`. */
  readonly keys: readonly string[];
  readonly kernel: readonly string[];
  /** Structure annotation keys (`@a(c=…, n=…)`) and the names visible inside them. */
  readonly structureKeys: readonly string[];
  readonly structureVars: readonly string[];
}

const none: LayerSpec = { positional: [], keys: [], kernel: [], structureKeys: [], structureVars: [] };

export const LAYER_SPECS: Record<LayerKind, LayerSpec> = {
  conv: {
    positional: ["out", "k"],
    keys: ["out", "k", "stride", "pad", "groups", "dilation", "bias"],
    kernel: ["k"],
    structureKeys: ["c", "n"],
    // C: input channels per group, N: kernel size, Cin/Cout: the layer's channels.
    structureVars: ["C", "N", "Cin", "Cout"],
  },
  fc: { positional: ["out"], keys: ["out", "bias"], kernel: [], structureKeys: ["R"], structureVars: ["Q", "P"] },
  bn: none,
  relu: none,
  relu6: none,
  clip: { positional: ["lo", "hi"], keys: ["lo", "hi"], kernel: [], structureKeys: [], structureVars: [] },
  maxpool: { positional: ["k"], keys: ["k", "stride", "pad"], kernel: ["k"], structureKeys: [], structureVars: [] },
  avgpool: { positional: ["k"], keys: ["k", "stride", "pad"], kernel: ["k"], structureKeys: [], structureVars: [] },
  gap: none,
  flatten: none,
  shortcutA: { positional: [], keys: ["stride", "cout", "before"], kernel: [], structureKeys: [], structureVars: [] },
  dropout: { positional: ["p"], keys: ["p"], kernel: [], structureKeys: [], structureVars: [] },
  sigmoid: none,
  silu: none,
  hardswish: none,
  hardsigmoid: {
    positional: ["alpha", "beta"],
    keys: ["alpha", "beta"],
    kernel: [],
    structureKeys: [],
    structureVars: [],
  },
  upsample: {
    positional: ["scale"],
    keys: ["scale", "bilinear", "align_corners"],
    kernel: [],
    structureKeys: [],
    structureVars: [],
  },
};

/** Variables every expression may read: the shape of the current tensor. */
export const BUILTIN_VARS = ["channels", "height", "width"] as const;

/** `@a` annotations select the `struct-a` variant; `dense` ignores every annotation. */
export const variantOfTag = (tag: string): string => `struct-${tag}`;
export const DENSE = "dense";
