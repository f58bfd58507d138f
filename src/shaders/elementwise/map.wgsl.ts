// One template for every elementwise map: y[i] = f(a[i], b[i]) over a flat array. Sizes divisible
// by 4 run as vec4 with several vec4s per lane (4–5× faster on lavapipe, where each lane's index
// math and every load cost about as much as the arithmetic); other sizes run one float per lane.
import { elementWorkgroups, LINEAR_WORKGROUP_ID, perElementMain } from '../../tensor/kernel.js';

/** Lanes per workgroup and vec4s per lane of the vec4 form. */
const VEC_WORKGROUP = 64;
const VEC_PER_LANE = 4;

export interface MapLaunch {
  code: string;
  workgroups: number;
}

/**
 * `expr` is a WGSL expression over `a`, `b` (binary only), `alpha` and `beta` (uniform f32s) and
 * the element type `T` (f32 or vec4<f32>: write constants as T(0.0)). In-place maps read and
 * write `y`, with `a` naming y's old value.
 */
export function mapKernel(n: number, arity: 1 | 2, expr: string, inPlace = false): MapLaunch {
  const vec = n % 4 === 0;
  const type = vec ? 'vec4<f32>' : 'f32';
  const bindings: string[] = [];
  let slot = 1;
  if (!inPlace) bindings.push(`@group(0) @binding(${slot++}) var<storage, read> A: array<${type}>;`);
  if (arity === 2) bindings.push(`@group(0) @binding(${slot++}) var<storage, read> B: array<${type}>;`);
  bindings.push(`@group(0) @binding(${slot++}) var<storage, read_write> Y: array<${type}>;`);
  const body = `  let alpha = p.alpha;
  let beta = p.beta;
  let a = ${inPlace ? 'Y[i]' : 'A[i]'};
  ${arity === 2 ? 'let b = B[i];' : ''}
  Y[i] = ${expr};`;
  const head = `alias T = ${type};
struct Params { n: u32, alpha: f32, beta: f32, pad: u32 }
@group(0) @binding(0) var<uniform> p: Params;
${bindings.join('\n')}`;
  if (!vec) return { code: `${head}\n${perElementMain('p.n', body)}`, workgroups: elementWorkgroups(n) };
  // p.n counts vec4s here; lanes of a workgroup touch consecutive vec4s on each pass.
  const code = `${head}
${LINEAR_WORKGROUP_ID}
@compute @workgroup_size(${VEC_WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let base = linear_workgroup_id(wg, nwg) * ${VEC_WORKGROUP * VEC_PER_LANE}u + lid;
  for (var k = 0u; k < ${VEC_PER_LANE}u; k++) {
    let i = base + k * ${VEC_WORKGROUP}u;
    if (i >= p.n) { return; }
${body}
  }
}`;
  return { code, workgroups: Math.ceil(n / 4 / (VEC_WORKGROUP * VEC_PER_LANE)) };
}

/** The element count the kernel's uniform `n` holds: vec4s for the vec4 form. */
export function mapCount(n: number): number {
  return n % 4 === 0 ? n / 4 : n;
}
