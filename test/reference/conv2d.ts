// Float64 CPU reference for conv2d (NCHW, OIHW) and its gradients, for tests.
import * as assert from 'uvu/assert';
import { tensor, parameter, conv2d, conv2dForward, conv2dInputGrad, conv2dWeightGrad, conv2dBiasGrad, backward, tidy, type Conv2dOptions } from '../../src/index.node.js';

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

export function conv2dRef(a: ConvRefArgs): Float64Array {
  const [n, cin, h, w] = a.xShape;
  const [cout, , kh, kw] = a.wShape;
  const [ho, wo] = outSize(a);
  const y = new Float64Array(n * cout * ho * wo);
  for (let b = 0; b < n; b++)
    for (let co = 0; co < cout; co++)
      for (let oy = 0; oy < ho; oy++)
        for (let ox = 0; ox < wo; ox++) {
          let s = a.b ? a.b[co]! : 0;
          for (let ci = 0; ci < cin; ci++)
            for (let ky = 0; ky < kh; ky++) {
              const iy = oy * a.stride + ky - a.padding;
              if (iy < 0 || iy >= h) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ix = ox * a.stride + kx - a.padding;
                if (ix < 0 || ix >= w) continue;
                s += a.x[((b * cin + ci) * h + iy) * w + ix]! * a.w[((co * cin + ci) * kh + ky) * kw + kx]!;
              }
            }
          y[((b * cout + co) * ho + oy) * wo + ox] = a.relu ? Math.max(s, 0) : s;
        }
  return y;
}

/** Analytic gradients of L = Σ dy ⊙ conv(x) (with the ReLU mask when fused), in float64. */
export function conv2dGradRef(a: ConvRefArgs, dy: Float64Array | Float32Array): { dx: Float64Array; dw: Float64Array; db: Float64Array } {
  const [n, cin, h, w] = a.xShape;
  const [cout, , kh, kw] = a.wShape;
  const [ho, wo] = outSize(a);
  const y = a.relu ? conv2dRef(a) : null;
  const dx = new Float64Array(n * cin * h * w);
  const dw = new Float64Array(cout * cin * kh * kw);
  const db = new Float64Array(cout);
  for (let b = 0; b < n; b++)
    for (let co = 0; co < cout; co++)
      for (let oy = 0; oy < ho; oy++)
        for (let ox = 0; ox < wo; ox++) {
          const o = ((b * cout + co) * ho + oy) * wo + ox;
          const g = y && y[o]! <= 0 ? 0 : dy[o]!;
          if (g === 0) continue;
          db[co]! += g;
          for (let ci = 0; ci < cin; ci++)
            for (let ky = 0; ky < kh; ky++) {
              const iy = oy * a.stride + ky - a.padding;
              if (iy < 0 || iy >= h) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ix = ox * a.stride + kx - a.padding;
                if (ix < 0 || ix >= w) continue;
                const xi = ((b * cin + ci) * h + iy) * w + ix;
                const wi = ((co * cin + ci) * kh + ky) * kw + kx;
                dx[xi]! += g * a.w[wi]!;
                dw[wi]! += g * a.x[xi]!;
              }
            }
        }
  return { dx, dw, db };
}

/** Deterministic pseudo-random values in [-1, 1). */
export function testData(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    out[i] = (s / 4294967296) * 2 - 1;
  }
  return out;
}

/** Every element of `got` within `rel` of the largest |reference| value (float32 against float64). */
export function assertClose(got: Float32Array, want: Float64Array, what: string, rel = 2e-5): void {
  assert.is(got.length, want.length, `${what}: length`);
  let scale = 1e-6;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= rel * scale)) assert.unreachable(`${what}: element ${i} is ${got[i]}, expected ${want[i]} (scale ${scale})`);
  }
}

/** Forward, dX, dW and db of the engine with `opts` (stride and padding from `a`) against the float64 reference, within `rel` of the largest value. */
export async function assertConvMatchesReference(a: ConvRefArgs & { dy: Float32Array }, opts: Conv2dOptions, what: string, rel = 2e-5): Promise<void> {
  const [n, cout] = [a.xShape[0], a.wShape[0]];
  const [ho, wo] = outSize(a);
  const o = { ...opts, stride: a.stride, padding: a.padding, relu: a.relu };
  const out = tidy(() => {
    const x = tensor(a.x, a.xShape), w = tensor(a.w, a.wShape), dy = tensor(a.dy, [n, cout, ho, wo]);
    return [conv2dForward(x, w, a.b ? tensor(a.b, [cout]) : null, o), conv2dInputGrad(dy, w, a.xShape, o), conv2dWeightGrad(x, dy, a.wShape, o), conv2dBiasGrad(dy, o)];
  });
  const ref = conv2dGradRef({ ...a, relu: false }, a.dy);
  assertClose(await out[0]!.read(), conv2dRef(a), `${what} forward`, rel);
  assertClose(await out[1]!.read(), ref.dx, `${what} dX`, rel);
  assertClose(await out[2]!.read(), ref.dw, `${what} dW`, rel);
  assertClose(await out[3]!.read(), ref.db, `${what} db`, rel);
  out.forEach((t) => t.dispose());
}

/**
 * Autograd through conv2d (with bias, and the fused ReLU when `a.relu`) against central finite
 * differences of Σ dy ⊙ conv(x) in float64, at `samples` spread elements of x, w and b, within `tol`·max(1, |fd|).
 */
export async function assertConvGradientsMatchFiniteDifferences(a: ConvRefArgs & { dy: Float32Array }, opts: Conv2dOptions, samples: number, what: string, tol = 1e-4): Promise<void> {
  const x = parameter(a.x, a.xShape, 'x');
  const w = parameter(a.w, a.wShape, 'w');
  const b = parameter(a.b!, [a.wShape[0]], 'b');
  const [ho, wo] = outSize(a);
  const y = tidy(() => conv2d(x, w, b, { ...opts, stride: a.stride, padding: a.padding, relu: a.relu }));
  backward(y, tensor(a.dy, [a.xShape[0], a.wShape[0], ho, wo]));
  const grads = { x: await x.grad!.read(), w: await w.grad!.read(), b: await b.grad!.read() };
  const objective = (v: ConvRefArgs) => conv2dRef(v).reduce((s, yv, i) => s + yv * a.dy[i]!, 0);
  const eps = 1e-4;
  for (const [name, arr, g] of [['x', a.x, grads.x], ['w', a.w, grads.w], ['b', a.b!, grads.b]] as const) {
    for (let t = 0; t < samples; t++) {
      const i = Math.floor((((t * 7919) % 1000) / 1000) * arr.length);
      const shifted = (d: number) => { const v = Float64Array.from(arr); v[i]! += d; return objective({ ...a, [name]: v } as ConvRefArgs); };
      const [plus, minus] = [shifted(eps), shifted(-eps)];
      // FD in float64 is accurate to ~1e-7 here unless a ReLU kink lies within eps (then skip).
      if (a.relu && Math.abs(plus - 2 * objective(a) + minus) > 1e-6) continue;
      const fd = (plus - minus) / (2 * eps);
      assert.ok(Math.abs(g[i]! - fd) <= tol * Math.max(1, Math.abs(fd)), `d/d${name}[${i}]: autograd ${g[i]}, finite difference ${fd} (${what})`);
    }
  }
  [x, w, b, y].forEach((t) => t.dispose());
}
