// Zero-padded copy of an activation, optionally dilated (for the input gradient of a strided conv):
// Out[p][r][q] = Src[p][(r − offY)/dil][(q − offX)/dil] where that is a whole in-range index, else 0.
// The conv kernels then read aligned vec4 rows with no bounds checks. Sizes come as uniforms, so one
// pipeline serves every shape (compiling is the slow part on lavapipe), and the grid is (row vec4,
// row, plane) so no lane divides by a uniform: on lavapipe each such division is a scalar loop over
// the lanes, and it made this memory-bound copy a third of a training step.
import { EngineError } from '../../tensor/errors.js';

export interface PadGeometry {
  /** Planes (images × channels). */
  planes: number;
  srcH: number;
  srcW: number;
  /** Output plane size (outW a multiple of 4: the kernel writes vec4s). */
  outH: number;
  outW: number;
  /** Where source (0, 0) lands in the output (may be negative: cropping). */
  offY: number;
  offX: number;
  dil: number;
}

/** Lanes of a workgroup along a row (in vec4s) and along rows, and rows per lane (a workgroup's start is costly on lavapipe). */
const LANES_X = 16;
const LANES_Y = 4;
const ROWS_PER_LANE = 8;

export const PAD_KERNEL = /* wgsl */ `
struct Params { skew: u32, planeBase: u32, srcH: u32, srcW: u32, outH: u32, outW4: u32, offY: i32, offX: i32, dil: i32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> Src: array<f32>;
@group(0) @binding(2) var<storage, read_write> Out: array<vec4<f32>>;

fn source(row: u32, rowInside: bool, q: i32) -> f32 {
  let p = params;
  let inside = rowInside && q >= 0 && q % p.dil == 0 && u32(q / p.dil) < p.srcW;
  return select(0.0, Src[row + u32(clamp(q / p.dil, 0, i32(p.srcW) - 1))], inside);
}

fn padVec4(x: u32, y: u32, plane: u32) {
  let p = params;
  let r = i32(y) - p.offY;
  let q = i32(x * 4u) - p.offX;
  var v: vec4<f32>;
  if (p.dil == 1) {
    // The common case, without the (lane-serial) divisions by the dilation.
    let rowInside = r >= 0 && u32(r) < p.srcH;
    let row = p.skew + (plane * p.srcH + u32(clamp(r, 0, i32(p.srcH) - 1))) * p.srcW;
    let qs = vec4<i32>(q) + vec4<i32>(0, 1, 2, 3);
    let last = vec4<i32>(i32(p.srcW) - 1);
    let inside = vec4<bool>(rowInside) & (qs >= vec4<i32>(0)) & (qs <= last);
    let c = vec4<u32>(clamp(qs, vec4<i32>(0), last));
    let src = vec4<f32>(Src[row + c.x], Src[row + c.y], Src[row + c.z], Src[row + c.w]);
    v = select(vec4<f32>(0.0), src, inside);
  } else {
    let rowInside = r >= 0 && r % p.dil == 0 && u32(r / p.dil) < p.srcH;
    let row = p.skew + (plane * p.srcH + u32(clamp(r / p.dil, 0, i32(p.srcH) - 1))) * p.srcW;
    v = vec4<f32>(source(row, rowInside, q), source(row, rowInside, q + 1), source(row, rowInside, q + 2), source(row, rowInside, q + 3));
  }
  Out[(plane * p.outH + y) * p.outW4 + x] = v;
}

@compute @workgroup_size(${LANES_X}, ${LANES_Y})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let x = wg.x * ${LANES_X}u + lid.x;
  if (x >= params.outW4) { return; }
  // Neighbouring lanes along y take neighbouring rows on each pass.
  for (var k = 0u; k < ${ROWS_PER_LANE}u; k++) {
    let y = (wg.y * ${ROWS_PER_LANE}u + k) * ${LANES_Y}u + lid.y;
    if (y >= params.outH) { return; }
    padVec4(x, y, params.planeBase + wg.z);
  }
}`;

/** Uniforms and grid of each dispatch (planes are split where they exceed the grid's limit per dimension). */
export function padDispatches(
  op: string,
  g: PadGeometry,
  skew: number,
  maxPerDimension: number,
): { uniforms: Uint32Array; workgroups: [number, number, number] }[] {
  if (g.outW % 4 !== 0) throw new EngineError(op, `padded row of ${g.outW} floats is not a multiple of 4`);
  const out = [];
  for (let base = 0; base < g.planes; base += maxPerDimension) {
    const u = new Uint32Array(12);
    u.set([skew, base, g.srcH, g.srcW, g.outH, g.outW / 4]);
    new Int32Array(u.buffer).set([g.offY, g.offX, g.dil], 6);
    const planes = Math.min(maxPerDimension, g.planes - base);
    out.push({ uniforms: u, workgroups: [Math.ceil(g.outW / 4 / LANES_X), Math.ceil(g.outH / (LANES_Y * ROWS_PER_LANE)), planes] as [number, number, number] });
  }
  return out;
}
