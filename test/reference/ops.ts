// Float64 CPU references for pooling (Caffe rules), for tests.

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
        const hs = oy * s - p, ws = ox * s - p;
        const he = Math.min(hs + k, h + p), we = Math.min(ws + k, w + p);
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
