// Zero-padded copy of an activation, optionally dilated (for the input gradient of a strided conv):
// Out[p][r][q] = Src[p][(r − offY)/dil][(q − offX)/dil] where that is a whole in-range index, else 0.
// The conv kernels then read aligned vec4 rows with no bounds checks.
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

export function padKernel(g: PadGeometry): string {
  const total = g.planes * g.outH * g.outW;
  const d = g.dil;
  const inside = (v: string, n: number) => (d === 1 ? `${v} >= 0 && ${v} < ${n}` : `${v} >= 0 && ${v} % ${d} == 0 && ${v} / ${d} < ${n}`);
  const idx = (v: string, n: number) => `u32(clamp(${d === 1 ? v : `${v} / ${d}`}, 0, ${n - 1}))`;
  return /* wgsl */ `
struct Params { skew: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> Src: array<f32>;
@group(0) @binding(2) var<storage, read_write> Out: array<f32>;
${perElementMain(total, `  let q = i32(i % ${g.outW}u) - ${g.offX};
  let r = i32((i / ${g.outW}u) % ${g.outH}u) - ${g.offY};
  let plane = i / ${g.outH * g.outW}u;
  let v = Src[params.skew + (plane * ${g.srcH}u + ${idx('r', g.srcH)}) * ${g.srcW}u + ${idx('q', g.srcW)}];
  Out[i] = select(0.0, v, ${inside('r', g.srcH)} && ${inside('q', g.srcW)});`)}`;
}
