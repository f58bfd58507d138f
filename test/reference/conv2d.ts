// Float64 CPU reference for conv2d (NCHW, OIHW) and its gradients, for tests.
import { tensor, conv2d, conv2dForward, conv2dInputGrad, conv2dWeightGrad, conv2dBiasGrad, tidy, type Conv2dOptions } from '../../src/index.node.js';
import { assertAllClose } from './close.js';
import { testData } from './data.js';
import { assertGradientsMatchFiniteDifferences } from './finite-differences.js';

export interface ConvRefArgs {
  x: Float64Array | Float32Array;
  xShape: [number, number, number, number];
  w: Float64Array | Float32Array;
  wShape: [number, number, number, number];
  b?: Float64Array | Float32Array | null;
  stride: number;
  padding: number;
  relu?: boolean;
}

export function outSize(a: ConvRefArgs): [number, number] {
  const [, , h, w] = a.xShape;
  const [, , kh, kw] = a.wShape;
  return [Math.floor((h + 2 * a.padding - kh) / a.stride) + 1, Math.floor((w + 2 * a.padding - kw) / a.stride) + 1];
}

/** Test data for one conv case: x, w, b (when `bias`) and a dY of the output's shape, from testData seeds seed, seed + 1, + 2, + 3. */
export function convTestArgs(
  c: { n: number; cin: number; cout: number; h: number; w: number; k: number; stride: number; padding: number; bias: boolean; relu: boolean },
  seed: number,
): ConvRefArgs & { dy: Float32Array } {
  const a: ConvRefArgs = {
    x: testData(c.n * c.cin * c.h * c.w, seed),
    xShape: [c.n, c.cin, c.h, c.w],
    w: testData(c.cout * c.cin * c.k * c.k, seed + 1),
    wShape: [c.cout, c.cin, c.k, c.k],
    b: c.bias ? testData(c.cout, seed + 2) : null,
    stride: c.stride,
    padding: c.padding,
    relu: c.relu,
  };
  const [ho, wo] = outSize(a);
  return { ...a, dy: testData(c.n * c.cout * ho * wo, seed + 3) };
}

/** Calls `tap(o, xi, wi)` for every output index o, input index xi and weight index wi that meet inside the image (outputs `skip` names left out). */
function forEachTap(a: ConvRefArgs, tap: (o: number, xi: number, wi: number) => void, skip: (o: number) => boolean = () => false): void {
  const [n, cin, h, w] = a.xShape;
  const [cout, , kh, kw] = a.wShape;
  const [ho, wo] = outSize(a);
  for (let b = 0; b < n; b++)
    for (let co = 0; co < cout; co++)
      for (let oy = 0; oy < ho; oy++)
        for (let ox = 0; ox < wo; ox++) {
          const o = ((b * cout + co) * ho + oy) * wo + ox;
          if (skip(o)) continue;
          for (let ci = 0; ci < cin; ci++)
            for (let ky = 0; ky < kh; ky++) {
              const iy = oy * a.stride + ky - a.padding;
              if (iy < 0 || iy >= h) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ix = ox * a.stride + kx - a.padding;
                if (ix < 0 || ix >= w) continue;
                tap(o, ((b * cin + ci) * h + iy) * w + ix, ((co * cin + ci) * kh + ky) * kw + kx);
              }
            }
        }
}

/** Output channel of output index o. */
const channelOf = (a: ConvRefArgs, o: number): number => {
  const [ho, wo] = outSize(a);
  return Math.floor(o / (ho * wo)) % a.wShape[0];
};

export function conv2dRef(a: ConvRefArgs): Float64Array {
  const [ho, wo] = outSize(a);
  const y = new Float64Array(a.xShape[0] * a.wShape[0] * ho * wo);
  forEachTap(a, (o, xi, wi) => {
    y[o]! += a.x[xi]! * a.w[wi]!;
  });
  return y.map((s, o) => {
    const v = s + (a.b ? a.b[channelOf(a, o)]! : 0);
    return a.relu ? Math.max(v, 0) : v;
  });
}

/** Analytic gradients of L = Σ dy ⊙ conv(x) (with the ReLU mask when fused), in float64. */
export function conv2dGradRef(a: ConvRefArgs, dy: Float64Array | Float32Array): { dx: Float64Array; dw: Float64Array; db: Float64Array } {
  const y = a.relu ? conv2dRef(a) : null;
  const grad = (o: number): number => (y && y[o]! <= 0 ? 0 : dy[o]!);
  const dx = new Float64Array(a.x.length);
  const dw = new Float64Array(a.w.length);
  const db = new Float64Array(a.wShape[0]);
  for (let o = 0; o < dy.length; o++) db[channelOf(a, o)]! += grad(o);
  forEachTap(
    a,
    (o, xi, wi) => {
      const g = grad(o);
      dx[xi]! += g * a.w[wi]!;
      dw[wi]! += g * a.x[xi]!;
    },
    (o) => grad(o) === 0,
  );
  return { dx, dw, db };
}

/** Forward, dX, dW and db of the engine with `opts` (stride and padding from `a`) against the float64 reference, within `rel` of the largest value. */
export async function assertConvMatchesReference(a: ConvRefArgs & { dy: Float32Array }, opts: Conv2dOptions, what: string, rel = 2e-5): Promise<void> {
  const [n, cout] = [a.xShape[0], a.wShape[0]];
  const [ho, wo] = outSize(a);
  const o = { ...opts, stride: a.stride, padding: a.padding, relu: a.relu };
  const out = tidy(() => {
    const x = tensor(a.x, a.xShape),
      w = tensor(a.w, a.wShape),
      dy = tensor(a.dy, [n, cout, ho, wo]);
    return [
      conv2dForward(x, w, a.b ? tensor(a.b, [cout]) : null, o),
      conv2dInputGrad(dy, w, a.xShape, o),
      conv2dWeightGrad(x, dy, a.wShape, o),
      conv2dBiasGrad(dy, o),
    ];
  });
  const ref = conv2dGradRef({ ...a, relu: false }, a.dy);
  assertAllClose(await out[0]!.read(), conv2dRef(a), `${what} forward`, rel);
  assertAllClose(await out[1]!.read(), ref.dx, `${what} dX`, rel);
  assertAllClose(await out[2]!.read(), ref.dw, `${what} dW`, rel);
  assertAllClose(await out[3]!.read(), ref.db, `${what} db`, rel);
  for (const t of out) t.dispose();
}

/**
 * Autograd through conv2d (with bias, and the fused ReLU when `a.relu`) against central finite
 * differences of Σ dy ⊙ conv(x) in float64, at `samples` spread elements of x, w and b, within `tol`·max(1, |fd|).
 */
export function assertConvGradientsMatchFiniteDifferences(
  a: ConvRefArgs & { dy: Float32Array },
  opts: Conv2dOptions,
  samples: number,
  what: string,
  tol?: number,
): Promise<void> {
  return assertGradientsMatchFiniteDifferences(
    {
      inputs: [
        { name: 'x', data: Float32Array.from(a.x), shape: a.xShape },
        { name: 'w', data: Float32Array.from(a.w), shape: a.wShape },
        { name: 'b', data: Float32Array.from(a.b!), shape: [a.wShape[0]] },
      ],
      op: (x, w, b) => conv2d(x!, w!, b!, { ...opts, stride: a.stride, padding: a.padding, relu: a.relu }),
      reference: (x, w, b) => conv2dRef({ ...a, x: x!, w: w!, b: b! }),
      dy: a.dy,
      probes: samples,
      tol,
      // FD in float64 is accurate to ~1e-7 here unless a ReLU kink lies within eps (then skip).
      kink: a.relu ? 1e-6 : undefined,
    },
    what,
  );
}
