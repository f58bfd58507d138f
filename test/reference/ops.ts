// Float64 CPU references for pooling (Caffe rules) and channel slices, for tests.

export function caffePoolSizeRef(size: number, k: number, s: number, p: number): number {
  let out = Math.ceil((size + 2 * p - k) / s) + 1;
  if (p > 0 && (out - 1) * s >= size + p) out--;
  return out;
}

/** Max or Caffe-average pooling of [planes, h, w] data. */
export function poolRef(x: ArrayLike<number>, planes: number, h: number, w: number, k: number, s: number, p: number, kind: 'max' | 'avg'): Float64Array {
  const ho = caffePoolSizeRef(h, k, s, p);
  const wo = caffePoolSizeRef(w, k, s, p);
  const y = new Float64Array(planes * ho * wo);
  for (let c = 0; c < planes; c++)
    for (let oy = 0; oy < ho; oy++)
      for (let ox = 0; ox < wo; ox++) {
        const hs = oy * s - p,
          ws = ox * s - p;
        const he = Math.min(hs + k, h + p),
          we = Math.min(ws + k, w + p);
        const size = (he - hs) * (we - ws);
        let acc = kind === 'max' ? -Infinity : 0;
        for (let yy = Math.max(hs, 0); yy < Math.min(he, h); yy++)
          for (let xx = Math.max(ws, 0); xx < Math.min(we, w); xx++) {
            const v = x[(c * h + yy) * w + xx]!;
            acc = kind === 'max' ? Math.max(acc, v) : acc + v;
          }
        y[(c * ho + oy) * wo + ox] = kind === 'max' ? acc : acc / size;
      }
  return y;
}

/** Max-pooling gradient: each output's dy goes to the first maximum of its window (row-major), as the kernel breaks ties. */
export function maxPoolGradRef(
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
  planes: number,
  h: number,
  w: number,
  k: number,
  s: number,
  p: number,
): Float64Array {
  const ho = caffePoolSizeRef(h, k, s, p);
  const wo = caffePoolSizeRef(w, k, s, p);
  const dx = new Float64Array(planes * h * w);
  for (let c = 0; c < planes; c++)
    for (let oy = 0; oy < ho; oy++)
      for (let ox = 0; ox < wo; ox++) {
        const hs = oy * s - p,
          ws = ox * s - p;
        let best = -Infinity,
          arg = -1;
        for (let yy = Math.max(hs, 0); yy < Math.min(hs + k, h); yy++)
          for (let xx = Math.max(ws, 0); xx < Math.min(ws + k, w); xx++) {
            const i = (c * h + yy) * w + xx;
            if (x[i]! > best) {
              best = x[i]!;
              arg = i;
            }
          }
        dx[arg]! += dy[(c * ho + oy) * wo + ox]!;
      }
  return dx;
}

/** Channel slice of NCHW-like data: x[:, start:start+length] with `inner` elements per channel. */
export function sliceRef(x: ArrayLike<number>, n: number, c: number, inner: number, start: number, length: number): Float64Array {
  const y = new Float64Array(n * length * inner);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < length; ch++) for (let q = 0; q < inner; q++) y[(b * length + ch) * inner + q] = x[(b * c + start + ch) * inner + q]!;
  return y;
}
