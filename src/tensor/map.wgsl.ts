// One template for every elementwise map: y[i] = f(a[i], b[i]) over a flat array. Sizes divisible
// by 4 run as vec4 (4–5× faster on lavapipe, where each lane's index math and every load cost about
// as much as the arithmetic), other sizes as f32; either way several elements per lane (perElementMain).
import { perElementMain } from './kernel.js';

/**
 * `expr` is a WGSL expression over `a`, `b` (binary only), `alpha` and `beta` (uniform f32s) and
 * the element type `T` (f32 or vec4<f32>: write constants as T(0.0)). In-place maps read and
 * write `y`, with `a` naming y's old value.
 */
export function mapKernel(n: number, arity: 1 | 2, expr: string, inPlace = false): string {
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
  // p.n counts vec4s in the vec4 form.
  return `${head}\n${perElementMain('p.n', body)}`;
}

/** The element count the kernel's uniform `n` holds: vec4s for the vec4 form. */
export function mapCount(n: number): number {
  return n % 4 === 0 ? n / 4 : n;
}
