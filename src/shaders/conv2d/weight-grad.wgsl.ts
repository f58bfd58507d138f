// Weight gradient dW[co,ci,ky,kx] = Σ_{n,oy,ox} dY[n,co,oy,ox] · X[n,ci,oy·s+ky−p,ox·s+kx−p].
// A lane owns one (ci, ky) and accumulates 4 output channels × all kx in registers over a range of
// output rows; dY loads are uniform across the workgroup (lanes differ only in ci, ky). With several
// splits over the rows, partial sums go to a [splits][dW] buffer that a second kernel adds up in a
// fixed order, so results are bit-for-bit reproducible.
import { LINEAR_WORKGROUP_ID, perElementMain } from '../../tensor/kernel.js';
import type { ConvGeometry } from './forward.wgsl.js';

export const WGRAD_CO_BLOCK = 4;
export const WGRAD_WORKGROUP = 64;

export function weightGradKernel(g: ConvGeometry, splits: number): string {
  const S = g.stride;
  const seg = 3 * S + g.kw;
  const lanes = g.cin * g.kh;
  const laneChunks = Math.ceil(lanes / WGRAD_WORKGROUP);
  const coBlocks = Math.ceil(g.cout / WGRAD_CO_BLOCK);
  const rows = g.n * g.ho;
  const hw = g.ho * g.wo;
  const accs = Array.from({ length: g.kw }, (_, kx) => `var a${kx} = vec4<f32>(0.0);`).join(' ');
  const segLoads = Array.from(
    { length: seg },
    (_, t) => `let s${t} = select(0.0, X[rowBase + u32(clamp(ix0 + ${t}, 0, ${g.w - 1}))], ix0 + ${t} >= 0 && ix0 + ${t} < ${g.w});`,
  ).join('\n        ');
  const dLoads = [0, 1, 2, 3]
    .map((p) => {
      const comps = [0, 1, 2, 3].map((c) => `dy(dBase + ${c * hw}u, ox0 + ${p}u, co0 + ${c}u)`).join(', ');
      return `let d${p} = vec4<f32>(${comps});`;
    })
    .join('\n        ');
  const fmas = Array.from({ length: g.kw }, (_, kx) => `a${kx} += d0 * s${kx} + d1 * s${S + kx} + d2 * s${2 * S + kx} + d3 * s${3 * S + kx};`).join('\n        ');
  const stores = Array.from({ length: g.kw }, (_, kx) =>
    [0, 1, 2, 3].map((c) => `if (co0 + ${c}u < ${g.cout}u) { P[outBase + ((co0 + ${c}u) * ${g.cin}u + ci) * ${g.kh * g.kw}u + ky * ${g.kw}u + ${kx}u] = a${kx}[${c}]; }`).join(' '),
  ).join('\n  ');
  return /* wgsl */ `
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> D: array<f32>;
@group(0) @binding(3) var<storage, read_write> P: array<f32>;
${LINEAR_WORKGROUP_ID}

fn dy(base: u32, ox: u32, co: u32) -> f32 {
  return select(0.0, D[min(base + ox, ${g.n * g.cout * hw - 1}u)], ox < ${g.wo}u && co < ${g.cout}u);
}

@compute @workgroup_size(${WGRAD_WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let wid = linear_workgroup_id(wg, nwg);
  let laneChunk = wid % ${laneChunks}u;
  let r1 = wid / ${laneChunks}u;
  let cob = r1 % ${coBlocks}u;
  let split = r1 / ${coBlocks}u;
  let lane = laneChunk * ${WGRAD_WORKGROUP}u + lid;
  if (split >= ${splits}u || lane >= ${lanes}u) { return; }
  let ci = lane / ${g.kh}u;
  let ky = lane % ${g.kh}u;
  let co0 = cob * ${WGRAD_CO_BLOCK}u;
  let rowStart = split * ${rows}u / ${splits}u;
  let rowEnd = (split + 1u) * ${rows}u / ${splits}u;
  ${accs}
  for (var r = rowStart; r < rowEnd; r++) {
    let n = r / ${g.ho}u;
    let oy = r % ${g.ho}u;
    let iy = i32(oy * ${S}u + ky) - ${g.padY};
    if (iy < 0 || iy >= ${g.h}) { continue; }
    let rowBase = ((n * ${g.cin}u + ci) * ${g.h}u + u32(iy)) * ${g.w}u;
    let dBase = (n * ${g.cout}u + co0) * ${hw}u + oy * ${g.wo}u;
    for (var ox0 = 0u; ox0 < ${g.wo}u; ox0 += 4u) {
      let ix0 = i32(ox0 * ${S}u) - ${g.padX};
        ${segLoads}
        ${dLoads}
        ${fmas}
    }
  }
  let outBase = split * ${g.cout * g.cin * g.kh * g.kw}u;
  ${stores}
}`;
}

/** Adds `splits` partial sums of length `size` in a fixed order. */
export function sumSplitsKernel(size: number, splits: number): string {
  return /* wgsl */ `
@group(0) @binding(1) var<storage, read> P: array<f32>;
@group(0) @binding(2) var<storage, read_write> Out: array<f32>;
${perElementMain(size, `  var acc = 0.0;
  for (var s = 0u; s < ${splits}u; s++) { acc += P[s * ${size}u + i]; }
  Out[i] = acc;`)}`;
}

/** Bias gradient: one lane per output channel sums its dY plane over the batch. */
export function biasGradKernel(n: number, cout: number, hw: number): string {
  return /* wgsl */ `
@group(0) @binding(1) var<storage, read> D: array<f32>;
@group(0) @binding(2) var<storage, read_write> DB: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let co = gid.x;
  if (co >= ${cout}u) { return; }
  var acc = 0.0;
  for (var n = 0u; n < ${n}u; n++) {
    let base = (n * ${cout}u + co) * ${hw}u;
    var part = 0.0;
    for (var i = 0u; i < ${hw}u; i++) { part += D[base + i]; }
    acc += part;
  }
  DB[co] = acc;
}`;
}
