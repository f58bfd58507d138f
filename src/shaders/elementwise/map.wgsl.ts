// One template for every elementwise map: y[i] = f(a[i], b[i]) over a flat array, 256 lanes per workgroup.
import { ELEMENT_WORKGROUP, perElementMain } from '../../tensor/kernel.js';

export const MAP_WORKGROUP = ELEMENT_WORKGROUP;

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
${perElementMain('p.n', `  let alpha = p.alpha;
  let beta = p.beta;
  let a = ${inPlace ? 'Y[i]' : 'A[i]'};
  ${arity === 2 ? 'let b = B[i];' : ''}
  Y[i] = ${expr};`)}`;
}
