// One template for every elementwise map: y[i] = f(a[i], b[i]) over a flat array, 256 lanes per workgroup.
import { LINEAR_WORKGROUP_ID } from '../../tensor/kernel.js';

export const MAP_WORKGROUP = 256;

/**
 * `expr` is a WGSL expression over `a`, `b` (binary only), `alpha` and `beta` (uniform scalars).
 * In-place maps read and write `y`, with `a` naming y's old value.
 */
export function mapKernel(arity: 1 | 2, expr: string, inPlace = false): string {
  const bindings: string[] = [];
  let slot = 1;
  if (!inPlace) bindings.push(`@group(0) @binding(${slot++}) var<storage, read> A: array<f32>;`);
  if (arity === 2) bindings.push(`@group(0) @binding(${slot++}) var<storage, read> B: array<f32>;`);
  bindings.push(`@group(0) @binding(${slot++}) var<storage, read_write> Y: array<f32>;`);
  return /* wgsl */ `
struct Params { n: u32, alpha: f32, beta: f32, pad: u32 }
@group(0) @binding(0) var<uniform> p: Params;
${bindings.join('\n')}
${LINEAR_WORKGROUP_ID}
@compute @workgroup_size(${MAP_WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let i = linear_workgroup_id(wg, nwg) * ${MAP_WORKGROUP}u + li;
  if (i >= p.n) { return; }
  let alpha = p.alpha;
  let beta = p.beta;
  let a = ${inPlace ? 'Y[i]' : 'A[i]'};
  ${arity === 2 ? 'let b = B[i];' : ''}
  Y[i] = ${expr};
}`;
}
