// Seeded random weights for generated models (zoo variants, `--weights random`): He-scaled convs, structured
// when the layer says so, LeCun-scaled FCs, and BatchNorm calibrated on a seeded input (LSUV-style) so
// activations keep unit scale through deep networks. Every node draws from its own stream
// (seed / node name), so changing one layer leaves the others' weights unchanged.

import type { BatchNormNode, Graph, Node, Shape } from "./ir.js";
import { rngFromString, type Rng } from "./rng.js";
import { composeConv } from "./structure/compose.js";
import { composeFc } from "./structure/fc.js";
import { runNode } from "./execute.js";
import { nodeOutputShape, shapesForInput } from "./shapes.js";

/**
 * Conv weights [cout][cinPerGroup][kh][kw] with He's variance 2/fan_in (so a ReLU network keeps its activation
 * variance; uniformly distributed, see heUniform). Structured ({c, n}, square kernels only): alpha uniform,
 * composed, then each kernel rescaled to He's expected norm √(fan_in · 2/fan_in) = √2.
 */
export function randomStructuredConv(
  rng: Rng,
  cout: number,
  cinPerGroup: number,
  kh: number,
  kw: number,
  structure?: { c: number; n: number },
): Float32Array {
  const fanIn = cinPerGroup * kh * kw;
  const std = Math.sqrt(2 / fanIn);
  if (!structure) return heUniform(rng, cout * fanIn, std);
  if (kh !== kw) throw new RangeError(`randomStructuredConv: structure needs a square kernel, got ${kh}×${kw}`);
  const { c, n } = structure;
  const alpha = new Float64Array(cout * c * n * n);
  for (let i = 0; i < alpha.length; i++) alpha[i] = rng.uniform(-1, 1);
  return rescaleRows(composeConv(alpha, cout, cinPerGroup, kh, c, n), cout, Math.sqrt(2));
}

/**
 * FC weights [P][Q] with variance 1/Q (a linear layer that keeps the variance); with R, each row is a structured
 * 1_{Q−R+1} ⊛ alpha_row rescaled to the expected row norm 1.
 */
export function randomFc(rng: Rng, P: number, Q: number, R?: number): Float32Array {
  if (R === undefined) return heUniform(rng, P * Q, Math.sqrt(1 / Q));
  const alpha = new Float64Array(P * R);
  for (let i = 0; i < alpha.length; i++) alpha[i] = rng.uniform(-1, 1);
  return rescaleRows(composeFc(alpha, P, Q, R), P, 1);
}

/**
 * Uniform draws with standard deviation `std` (bound √3·std, as PyTorch's kaiming_uniform_): the same variance
 * as a Gaussian at a quarter of the cost, which matters for ResNet-50's 25 M weights.
 */
function heUniform(rng: Rng, length: number, std: number): Float32Array {
  const bound = Math.sqrt(3) * std;
  const w = new Float32Array(length);
  for (let i = 0; i < length; i++) w[i] = rng.uniform(-bound, bound);
  return w;
}

function rescaleRows(w: Float64Array, rows: number, norm: number): Float32Array {
  const len = w.length / rows;
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let i = r * len; i < (r + 1) * len; i++) s += w[i]! * w[i]!;
    const f = s > 0 ? norm / Math.sqrt(s) : 0;
    for (let i = r * len; i < (r + 1) * len; i++) out[i] = w[i]! * f;
  }
  return out;
}

/** Spatial size the BN calibration runs at (these nets are fully convolutional up to global pooling). */
const CALIBRATION_SIZE = 32;
/** Images in the calibration batch (each ResNet-50 image at 32×32 costs ~0.2–0.4 s here). */
const CALIBRATION_BATCH = 2;
/** Pseudo-samples pulling a channel's variance toward its layer's average (see calibratedBn). */
const PRIOR_SAMPLES = 32;
/** Relative spread of gamma around 1 and of beta around 0, so channels differ. */
const BN_PERTURBATION = 0.1;
/** Relative to the layer's largest variance, so BN works at any input scale. */
const BN_EPS = 1e-12;
/** Relative variance below which a channel counts as constant. */
const DEAD_RATIO = 1e-14;

/**
 * Fill every null conv/fc weight (and null FC bias, PyTorch-style uniform ±1/√Q) and every null BN scale/shift.
 * Conv biases that are null stay null (a conv followed by BN has none). BN is set so that, on a seeded random
 * batch at ≤32×32, its output per channel has mean beta and standard deviation gamma, with gamma ≈ 1 and
 * beta ≈ 0 (perturbed by ±10%); channels with few samples borrow strength from their layer (see calibratedBn). Deterministic for a seed; the returned graph keeps its original shapes.
 */
export function initGraphWeights(graph: Graph, seed: string): Graph {
  const nodes: Node[] = graph.nodes.map((node) => fillLayer(node, seed));
  if (nodes.some((n) => n.op === "bn" && (n.scale === null || n.shift === null)))
    calibrateBatchNorm(graph, nodes, seed);
  const changed = nodes.some((n, i) => n !== graph.nodes[i]);
  return { ...graph, nodes, randomWeights: changed ? true : graph.randomWeights };
}

function fillLayer(node: Node, seed: string): Node {
  if (node.op === "conv" && node.weight === null) {
    const rng = rngFromString(`${seed}/${node.name}/weight`);
    const square = node.kh === node.kw;
    const s = square && node.structure ? { c: node.structure.c, n: node.structure.n } : undefined;
    return { ...node, weight: randomStructuredConv(rng, node.cout, node.cin / node.groups, node.kh, node.kw, s) };
  }
  if (node.op === "fc" && node.weight === null) {
    const rng = rngFromString(`${seed}/${node.name}/weight`);
    const weight = randomFc(rng, node.P, node.Q, node.structure?.R);
    let bias = node.bias;
    if (bias === null) {
      const b = new Float32Array(node.P);
      const bound = 1 / Math.sqrt(node.Q);
      for (let i = 0; i < b.length; i++) b[i] = rng.uniform(-bound, bound);
      bias = b;
    }
    return { ...node, weight, bias };
  }
  return node;
}

function calibrationShape(graph: Graph): Shape {
  const s = graph.input.shape;
  if (s.length !== 3) return s;
  const small: Shape = [s[0]!, Math.min(s[1]!, CALIBRATION_SIZE), Math.min(s[2]!, CALIBRATION_SIZE)];
  // A graph with fixed-size pooling may not run at the small size: fall back to its own size.
  try {
    shapesForInput(graph, small);
    return small;
  } catch {
    return s;
  }
}

/** Forward a seeded batch node by node, setting each uncalibrated BN from the statistics of its input. */
function calibrateBatchNorm(graph: Graph, nodes: Node[], seed: string): void {
  const inShape = calibrationShape(graph);
  const inSize = inShape.reduce((a, b) => a * b, 1);
  const rng = rngFromString(`${seed}/calibration`);
  const shapes = new Map<string, Shape>([[graph.input.name, inShape]]);
  const batch: Map<string, Float32Array>[] = [];
  for (let b = 0; b < CALIBRATION_BATCH; b++) {
    const x = new Float32Array(inSize);
    for (let i = 0; i < inSize; i++) x[i] = rng.normal();
    batch.push(new Map([[graph.input.name, x]]));
  }
  // Free each tensor after its last reader, to keep memory flat on deep nets.
  const lastUse = new Map<string, number>();
  nodes.forEach((n, i) => n.inputs.forEach((t) => lastUse.set(t, i)));

  for (let i = 0; i < nodes.length; i++) {
    let node = nodes[i]!;
    const inShapes = node.inputs.map((t) => shapes.get(t)!);
    if (node.op === "bn" && (node.scale === null || node.shift === null)) {
      node = calibratedBn(
        node,
        batch.map((m) => m.get(node.inputs[0]!)!),
        rngFromString(`${seed}/${node.name}/bn`),
      );
      nodes[i] = node;
    }
    const outShape = nodeOutputShape(node, inShapes);
    shapes.set(node.output, outShape);
    for (const m of batch) {
      m.set(
        node.output,
        runNode(
          node,
          node.inputs.map((t) => m.get(t)!),
          inShapes,
          outShape,
        ),
      );
      for (const t of node.inputs) if (lastUse.get(t) === i && t !== graph.output) m.delete(t);
    }
  }
}

/**
 * Per-channel statistics of the BN input over the batch. Where a channel has few samples (deep layers at
 * 1×1 or 2×2), its mean is shrunk toward the layer's mean and its variance toward the layer's geometric-mean variance with PRIOR_SAMPLES
 * pseudo-samples (in log space, so channels of very different scale are not pulled toward the largest):
 * with random He weights the channels of a layer have similar variance, and a variance estimated from two
 * samples alone would scale some channels up tenfold on any other input. With hundreds of samples the
 * prior's weight is below 1%.
 */
function calibratedBn(node: BatchNormNode, inputs: Float32Array[], rng: Rng): BatchNormNode {
  const C = node.channels;
  const means = new Float64Array(C);
  const variances = new Float64Array(C);
  let count = 0;
  for (let c = 0; c < C; c++) {
    let sum = 0;
    count = 0;
    for (const x of inputs) {
      const plane = x.length / C;
      for (let i = c * plane; i < (c + 1) * plane; i++) sum += x[i]!;
      count += plane;
    }
    const mean = sum / count;
    let sq = 0;
    for (const x of inputs) {
      const plane = x.length / C;
      for (let i = c * plane; i < (c + 1) * plane; i++) sq += (x[i]! - mean) ** 2;
    }
    means[c] = mean;
    variances[c] = sq / count;
  }
  // A channel is dead (constant) when its variance is negligible next to the layer's largest; it is not
  // amplified, since blowing up its rounding noise would swamp later layers.
  const maxVariance = variances.reduce((a, b) => Math.max(a, b), 0);
  const live = (v: number): boolean => v > DEAD_RATIO * maxVariance && v > 0;
  const w = count / (count + PRIOR_SAMPLES);
  const layerMean = means.reduce((a, b) => a + b, 0) / C;
  let logSum = 0;
  let liveCount = 0;
  for (let c = 0; c < C; c++) {
    // Shrink the mean too, and measure the variance around the shrunk mean.
    const m = w * means[c]! + (1 - w) * layerMean;
    variances[c] = variances[c]! + (means[c]! - m) ** 2;
    means[c] = m;
  }
  for (const v of variances) {
    if (!live(v)) continue;
    logSum += Math.log(v);
    liveCount++;
  }
  const logPrior = liveCount > 0 ? logSum / liveCount : 0;
  const scale = new Float32Array(C);
  const shift = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    const gamma = 1 + BN_PERTURBATION * rng.uniform(-1, 1);
    const beta = BN_PERTURBATION * rng.uniform(-1, 1);
    const v = variances[c]!;
    scale[c] = live(v)
      ? gamma / Math.sqrt(Math.exp(w * Math.log(v) + (1 - w) * logPrior) + BN_EPS * maxVariance)
      : gamma;
    shift[c] = beta - means[c]! * scale[c]!;
  }
  return { ...node, scale, shift };
}
