// calibrate: activation ranges for the quantise pass, measured by running the fp32 reference executor over
// calibration images (the given ones, else seeded synthetic N(0,1) images). The statistic is the max-abs of
// every tensor over all images: symmetric per-tensor int8 scales then never clip a calibration activation.
// (A high percentile would trade rare clipping for resolution; max-abs keeps the oracle simple and is what
// the int8-vs-fp32 cosine checks are measured with.)

import { InputError } from "../../isa/errors.js";
import { rngFromString } from "../../models/rng.js";
import type { FrontProgram } from "../layers.js";
import { runFp32Tensors } from "../reference/fp32.js";

/** Number of synthetic images used when none are given. */
export const SYNTHETIC_IMAGES = 4;

/** Images above this many input values get one synthetic calibration image instead of four (ImageNet-sized
 * inputs cost seconds per fp32 reference pass). */
export const LARGE_INPUT = 3 * 64 * 64;

/** How many synthetic images calibrate a program when none are given. */
export function syntheticCount(lp: FrontProgram): number {
  return lp.input.shape.reduce((a, b) => a * b, 1) > LARGE_INPUT ? 1 : SYNTHETIC_IMAGES;
}

/** Assumed max-abs of a unit-variance activation (4 standard deviations). */
export const NOMINAL_RANGE = 4;

/**
 * Ranges assumed without running the network: every tensor NOMINAL_RANGE, every window sum of V values
 * NOMINAL_RANGE·sqrt(V) (independent unit-variance terms). Only the requantisation values depend on them,
 * never the instruction stream or its timing.
 */
export function nominalCalibration(lp: FrontProgram): Calibration {
  const tensors = new Map<string, number>([[lp.input.name, NOMINAL_RANGE]]);
  const sums = new Map<string, number>();
  for (const l of lp.layers) {
    tensors.set(l.output, NOMINAL_RANGE);
    let volume = 0;
    if (l.kind === "conv" && l.structured)
      volume = (l.cin / l.groups - l.structured.c + 1) * (l.kh - l.structured.n + 1) * (l.kw - l.structured.n + 1);
    else if (l.kind === "fc" && l.structured) volume = l.Q - l.structured.R + 1;
    else if (l.kind === "sumpool") volume = l.kc * l.kh * l.kw;
    if (volume > 0) sums.set(l.name, NOMINAL_RANGE * Math.sqrt(volume));
  }
  return { tensors, sums };
}

/**
 * A QDQ model (ONNX Runtime's quantiser) fixes each activation's representable range [s·(qmin − zp), s·(qmax − zp)]
 * (int8 codes); its largest magnitude becomes the tensor's range, replacing the measured one. Window sums are not
 * quantised by the model, so their measured ranges stay.
 */
export function withModelRanges(
  measured: Calibration,
  quant: ReadonlyMap<string, { readonly scale: number; readonly zeroPoint: number }>,
): { calibration: Calibration; used: number } {
  const tensors = new Map(measured.tensors);
  let used = 0;
  for (const [name, { scale, zeroPoint }] of quant) {
    if (!tensors.has(name) || !(scale > 0)) continue;
    tensors.set(name, scale * Math.max(Math.abs(-128 - zeroPoint), Math.abs(127 - zeroPoint)));
    used++;
  }
  return { calibration: { tensors, sums: measured.sums }, used };
}

/** Seeded N(0,1) images of the program's input shape. */
export function syntheticImages(
  lp: FrontProgram,
  count = SYNTHETIC_IMAGES,
  seed: number | string = "sumac-calibration",
): Float32Array[] {
  const size = lp.input.shape.reduce((a, b) => a * b, 1);
  const rng = rngFromString(`calibrate:${seed}`);
  return Array.from({ length: count }, () => {
    const x = new Float32Array(size);
    for (let i = 0; i < size; i++) x[i] = rng.normal();
    return x;
  });
}

export interface Calibration {
  /** Max |value| of every tensor (input included), real units. */
  readonly tensors: ReadonlyMap<string, number>;
  /** Max |E| of the window sums of every structured conv/fc layer, by layer name, real units. */
  readonly sums: ReadonlyMap<string, number>;
}

function maxAbs(data: Float64Array, start: number): number {
  let m = start;
  for (let i = 0; i < data.length; i++) {
    const a = Math.abs(data[i]!);
    if (a > m) m = a;
  }
  return m;
}

/** Max |value| of every tensor and of every structured layer's window sums, over the images. */
export function calibrate(lp: FrontProgram, images: readonly Float32Array[]): Calibration {
  const size = lp.input.shape.reduce((a, b) => a * b, 1);
  if (images.length === 0) throw new InputError("calibration: no images given");
  const tensors = new Map<string, number>();
  const sums = new Map<string, number>();
  images.forEach((img, k) => {
    if (img.length !== size)
      throw new InputError(
        `calibration image ${k}: ${img.length} values, the model input ${lp.input.name} wants ${size} (${lp.input.shape.join("x")})`,
      );
    runFp32Tensors(lp, img, {
      onTensor: (name, data) => tensors.set(name, maxAbs(data, tensors.get(name) ?? 0)),
      onSumPool: (layer, e) => sums.set(layer.name, maxAbs(e, sums.get(layer.name) ?? 0)),
      release: true,
    });
  });
  return { tensors, sums };
}
