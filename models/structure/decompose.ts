// Float64 reference implementations of the decomposition identity (DESIGN §1), in plain loops and
// independent of the rest of the structure code: a direct conv/FC, and pad → sum-pool → small conv/FC.
// Feature maps are row-major [C][H][W]; weights [cout][C/groups][N][N].

export type Pads = number | readonly [number, number, number, number];

export interface ConvGeometry {
  readonly height: number;
  readonly width: number;
  readonly stride?: number;
  /** Symmetric padding, or [top, left, bottom, right]. */
  readonly pad?: Pads;
  readonly dilation?: number;
  readonly groups?: number;
}

export interface Tensor64 {
  readonly y: Float64Array;
  readonly shape: [number, number, number];
}

function padsOf(p: Pads | undefined): readonly [number, number, number, number] {
  return p === undefined ? [0, 0, 0, 0] : typeof p === "number" ? [p, p, p, p] : p;
}

/** Direct 2D convolution (cross-correlation, as PyTorch) of one image x [C][H][W] with W [cout][C/groups][N][N]. */
export function conv2dRef(
  x: ArrayLike<number>,
  W: ArrayLike<number>,
  cout: number,
  C: number,
  N: number,
  g: ConvGeometry,
  bias?: ArrayLike<number>,
): Tensor64 {
  const { height: H, width: Wd } = g;
  const s = g.stride ?? 1;
  const d = g.dilation ?? 1;
  const groups = g.groups ?? 1;
  const [pt, pl, pb, pr] = padsOf(g.pad);
  const Cg = C / groups;
  const coutG = cout / groups;
  if (x.length !== C * H * Wd) throw new RangeError(`conv2dRef: x has ${x.length} values, expected ${C}×${H}×${Wd}`);
  if (W.length !== cout * Cg * N * N)
    throw new RangeError(`conv2dRef: W has ${W.length} values, expected ${cout}×${Cg}×${N}×${N}`);
  const Ho = Math.floor((H + pt + pb - d * (N - 1) - 1) / s) + 1;
  const Wo = Math.floor((Wd + pl + pr - d * (N - 1) - 1) / s) + 1;
  const y = new Float64Array(cout * Ho * Wo);
  for (let o = 0; o < cout; o++) {
    const grp = Math.floor(o / coutG);
    for (let oy = 0; oy < Ho; oy++)
      for (let ox = 0; ox < Wo; ox++) {
        let acc = bias ? bias[o]! : 0;
        for (let ci = 0; ci < Cg; ci++)
          for (let ky = 0; ky < N; ky++) {
            const iy = oy * s - pt + ky * d;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < N; kx++) {
              const ix = ox * s - pl + kx * d;
              if (ix < 0 || ix >= Wd) continue;
              acc += W[((o * Cg + ci) * N + ky) * N + kx]! * x[((grp * Cg + ci) * H + iy) * Wd + ix]!;
            }
          }
        y[(o * Ho + oy) * Wo + ox] = acc;
      }
  }
  return { y, shape: [cout, Ho, Wo] };
}

/** Stride-1, unpadded 3D window sum over x [C][H][W]; spatial taps are `dilation` apart. */
export function sumPool3d(
  x: ArrayLike<number>,
  C: number,
  H: number,
  W: number,
  kc: number,
  kh: number,
  kw: number,
  dilation = 1,
): Tensor64 {
  const Co = C - kc + 1;
  const Ho = H - dilation * (kh - 1);
  const Wo = W - dilation * (kw - 1);
  if (Co < 1 || Ho < 1 || Wo < 1)
    throw new RangeError(`sumPool3d: window ${kc}×${kh}×${kw} (dilation ${dilation}) exceeds ${C}×${H}×${W}`);
  const y = new Float64Array(Co * Ho * Wo);
  for (let oc = 0; oc < Co; oc++)
    for (let oy = 0; oy < Ho; oy++)
      for (let ox = 0; ox < Wo; ox++) {
        let acc = 0;
        for (let a = 0; a < kc; a++)
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) acc += x[((oc + a) * H + oy + i * dilation) * W + ox + j * dilation]!;
        y[(oc * Ho + oy) * Wo + ox] = acc;
      }
  return { y, shape: [Co, Ho, Wo] };
}

/** Zero-pad x [C][H][W] by [top, left, bottom, right]. */
export function pad2d(x: ArrayLike<number>, C: number, H: number, W: number, pads: Pads): Tensor64 {
  const [pt, pl, pb, pr] = padsOf(pads);
  const Hp = H + pt + pb;
  const Wp = W + pl + pr;
  const y = new Float64Array(C * Hp * Wp);
  for (let ch = 0; ch < C; ch++)
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++) y[(ch * Hp + i + pt) * Wp + j + pl] = x[(ch * H + i) * W + j]!;
  return { y, shape: [C, Hp, Wp] };
}

export interface StructuredConvSpec extends ConvGeometry {
  readonly C: number;
  readonly cout: number;
  readonly N: number;
  readonly c: number;
  readonly n: number;
}

/**
 * The decomposed structured conv: pad → sum-pool with window (C/groups − c + 1, N − n + 1, N − n + 1) and
 * spatial dilation d within each group → conv with alpha [cout][c][n][n] (stride s, dilation d, no padding).
 * Returns the output and the sum-pool result E ([groups·c][H + pt + pb − d(N − n)][…]).
 */
export function decomposedConv(
  x: ArrayLike<number>,
  alpha: ArrayLike<number>,
  spec: StructuredConvSpec,
  bias?: ArrayLike<number>,
): Tensor64 & { E: Tensor64 } {
  const { C, cout, N, c, n } = spec;
  const d = spec.dilation ?? 1;
  const groups = spec.groups ?? 1;
  const Cg = C / groups;
  const xp = pad2d(x, C, spec.height, spec.width, spec.pad ?? 0);
  const [, Hp, Wp] = xp.shape;
  let E: Float64Array | undefined;
  let He = 0;
  let We = 0;
  for (let g = 0; g < groups; g++) {
    const part = sumPool3d(
      xp.y.subarray(g * Cg * Hp * Wp, (g + 1) * Cg * Hp * Wp),
      Cg,
      Hp,
      Wp,
      Cg - c + 1,
      N - n + 1,
      N - n + 1,
      d,
    );
    [, He, We] = part.shape;
    E ??= new Float64Array(groups * c * He * We);
    E.set(part.y, g * c * He * We);
  }
  const Ef = E!;
  const y = conv2dRef(
    Ef,
    alpha,
    cout,
    groups * c,
    n,
    { height: He, width: We, stride: spec.stride ?? 1, dilation: d, groups },
    bias,
  );
  return { ...y, E: { y: Ef, shape: [groups * c, He, We] } };
}

/** Stride-1 window sums of length k over a vector x [Q] → [Q − k + 1]. */
export function sumPool1d(x: ArrayLike<number>, Q: number, k: number): Float64Array {
  const y = new Float64Array(Q - k + 1);
  for (let j = 0; j < y.length; j++) {
    let acc = 0;
    for (let i = 0; i < k; i++) acc += x[j + i]!;
    y[j] = acc;
  }
  return y;
}

/** y = W x + b with W [P][Q]. */
export function fcRef(
  x: ArrayLike<number>,
  W: ArrayLike<number>,
  P: number,
  Q: number,
  bias?: ArrayLike<number>,
): Float64Array {
  const y = new Float64Array(P);
  for (let p = 0; p < P; p++) {
    let acc = bias ? bias[p]! : 0;
    for (let q = 0; q < Q; q++) acc += W[p * Q + q]! * x[q]!;
    y[p] = acc;
  }
  return y;
}

/** The decomposed structured FC: E = sumpool1d(x, Q − R + 1) (R values), y = alpha E + b with alpha [P][R]. */
export function decomposedFc(
  x: ArrayLike<number>,
  alpha: ArrayLike<number>,
  P: number,
  Q: number,
  R: number,
  bias?: ArrayLike<number>,
): Float64Array {
  return fcRef(sumPool1d(x, Q, Q - R + 1), alpha, P, R, bias);
}
