// Float64 CPU reference for conv2d (NCHW, OIHW) and its gradients, for tests.
import * as assert from 'uvu/assert';

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
