// Upsampling belief maps (C×H×W, row-major) by an integer factor, with pixel-centre alignment: output pixel u samples
// input coordinate (u + 0.5)/factor − 0.5, so grid cell g lands on output pixel factor·g + (factor − 1)/2 (3.5 for ×8).
// The CPM reference used bicubic: MATLAB imresize (a = −0.5) in the benchmark, cv2.INTER_CUBIC (a = −0.75) in the demo.
// Borders replicate the edge value (as both libraries do).

export interface MapShape {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

export type UpsampleMethod = 'bilinear' | 'bicubic';

export interface UpsampleOptions {
  method?: UpsampleMethod;
  /** Bicubic kernel parameter; default −0.5 (MATLAB imresize). */
  cubicA?: number;
}

function cubicWeight(t: number, a: number): number {
  const x = Math.abs(t);
  if (x <= 1) return (a + 2) * x * x * x - (a + 3) * x * x + 1;
  if (x < 2) return a * x * x * x - 5 * a * x * x + 8 * a * x - 4 * a;
  return 0;
}

/** Per output index along one axis: source indices and weights (separable). */
function axisTaps(inSize: number, factor: number, method: UpsampleMethod, a: number): { idx: Int32Array; w: Float64Array; taps: number } {
  const outSize = inSize * factor;
  const taps = method === 'bilinear' ? 2 : 4;
  const idx = new Int32Array(outSize * taps);
  const w = new Float64Array(outSize * taps);
  for (let u = 0; u < outSize; u++) {
    const s = (u + 0.5) / factor - 0.5;
    const base = Math.floor(s);
    const f = s - base;
    for (let k = 0; k < taps; k++) {
      const off = method === 'bilinear' ? k : k - 1;
      const src = Math.min(inSize - 1, Math.max(0, base + off));
      idx[u * taps + k] = src;
      w[u * taps + k] = method === 'bilinear' ? (k === 0 ? 1 - f : f) : cubicWeight(f - off, a);
    }
  }
  return { idx, w, taps };
}

export function upsampleMaps(maps: Float32Array, shape: MapShape, factor: number, opts: UpsampleOptions = {}): Float32Array {
  const method = opts.method ?? 'bilinear';
  const a = opts.cubicA ?? -0.5;
  const { channels: C, height: H, width: W } = shape;
  if (maps.length !== C * H * W) throw new Error(`upsampleMaps: ${maps.length} values for shape ${C}×${H}×${W}`);
  const OH = H * factor,
    OW = W * factor;
  const xs = axisTaps(W, factor, method, a);
  const ys = axisTaps(H, factor, method, a);
  const out = new Float32Array(C * OH * OW);
  const rowBuf = new Float64Array(H * OW);
  for (let c = 0; c < C; c++) {
    const src = c * H * W;
    // Horizontal pass into rowBuf (H × OW), then vertical pass.
    for (let y = 0; y < H; y++) {
      for (let u = 0; u < OW; u++) {
        let s = 0;
        for (let k = 0; k < xs.taps; k++) s += xs.w[u * xs.taps + k]! * maps[src + y * W + xs.idx[u * xs.taps + k]!]!;
        rowBuf[y * OW + u] = s;
      }
    }
    const dst = c * OH * OW;
    for (let v = 0; v < OH; v++) {
      for (let u = 0; u < OW; u++) {
        let s = 0;
        for (let k = 0; k < ys.taps; k++) s += ys.w[v * ys.taps + k]! * rowBuf[ys.idx[v * ys.taps + k]! * OW + u]!;
        out[dst + v * OW + u] = s;
      }
    }
  }
  return out;
}
