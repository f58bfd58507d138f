// Zero-padded copy of an activation, optionally dilated (for the input gradient of a strided conv):
// Out[p][r][q] = Src[p][(r − offY)/dil][(q − offX)/dil] where that is a whole in-range index, else 0.
// The conv kernels then read aligned vec4 rows with no bounds checks. Sizes come as uniforms, so one
// pipeline serves every shape (compiling is the slow part on lavapipe; this pass is memory-bound).
import { perElementMain } from '../../tensor/kernel.js';

export interface PadGeometry {
  /** Planes (images × channels). */
  planes: number;
  srcH: number;
  srcW: number;
  /** Output plane size. */
  outH: number;
  outW: number;
  /** Where source (0, 0) lands in the output (may be negative: cropping). */
  offY: number;
  offX: number;
  dil: number;
}

export const PAD_KERNEL = /* wgsl */ `
struct Params { skew: u32, total: u32, srcH: u32, srcW: u32, outH: u32, outW: u32, offY: i32, offX: i32, dil: i32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> Src: array<f32>;
@group(0) @binding(2) var<storage, read_write> Out: array<f32>;
${perElementMain('params.total', `  let d = params.dil;
  let r = i32((i / params.outW) % params.outH) - params.offY;
  let q = i32(i % params.outW) - params.offX;
  let plane = i / (params.outW * params.outH);
  let inside = r >= 0 && q >= 0 && r % d == 0 && q % d == 0 && u32(r / d) < params.srcH && u32(q / d) < params.srcW;
  let sy = u32(clamp(r / d, 0, i32(params.srcH) - 1));
  let sx = u32(clamp(q / d, 0, i32(params.srcW) - 1));
  Out[i] = select(0.0, Src[params.skew + (plane * params.srcH + sy) * params.srcW + sx], inside);`)}`;

/** The uniform block of PAD_KERNEL. */
export function padUniforms(g: PadGeometry, skew: number): Uint32Array {
  const u = new Uint32Array(12);
  const i = new Int32Array(u.buffer);
  u.set([skew, g.planes * g.outH * g.outW, g.srcH, g.srcW, g.outH, g.outW]);
  i.set([g.offY, g.offX, g.dil], 6);
  return u;
}
