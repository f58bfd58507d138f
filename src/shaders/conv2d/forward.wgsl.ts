// Direct convolution, register-blocked: each lane computes OC_BLOCK output channels × PX_BLOCK
// consecutive output pixels of one row. Lanes of a workgroup share the output-channel block, so
// weight loads are uniform across the workgroup (cheap on lavapipe, where lanes are SIMD lanes of
// one CPU thread) and each lane gathers only one input row segment per (ci, ky). No shared memory,
// no barriers. The kx loop and the row segment are unrolled so everything stays in registers.
import { LINEAR_WORKGROUP_ID, perElementMain } from '../../tensor/kernel.js';

export const OC_BLOCK = 4;
export const PX_BLOCK = 4;
export const FORWARD_WORKGROUP = 64;

export interface ConvGeometry {
  n: number;
  cin: number;
  cout: number;
  /** Input spatial size (what X holds). */
  h: number;
  w: number;
  /** Output spatial size (what Y gets). */
  ho: number;
  wo: number;
  kh: number;
  kw: number;
  stride: number;
  /** Offset subtracted from oy·stride + ky to get the input row (may be negative). */
  padY: number;
  padX: number;
}

export function forwardKernel(g: ConvGeometry, hasBias: boolean, relu: boolean): string {
  const seg = (PX_BLOCK - 1) * g.stride + g.kw;
  const ocBlocks = Math.ceil(g.cout / OC_BLOCK);
  const groupsPerRow = Math.ceil(g.wo / PX_BLOCK);
  const segLoads: string[] = [];
  for (let t = 0; t < seg; t++) {
    segLoads.push(`let s${t} = select(0.0, X[rowBase + u32(clamp(ix0 + ${t}, 0, ${g.w - 1}))], ix0 + ${t} >= 0 && ix0 + ${t} < ${g.w});`);
  }
  const fmas: string[] = [];
  for (let kx = 0; kx < g.kw; kx++) {
    const xs = [0, 1, 2, 3].map((p) => `s${p * g.stride + kx}`).join(', ');
    fmas.push(`{ let xin = vec4<f32>(${xs}); let w0 = Wt[wb + ${kx}u];
        a0 += w0.x * xin; a1 += w0.y * xin; a2 += w0.z * xin; a3 += w0.w * xin; }`);
  }
  const stores: string[] = [];
  for (let j = 0; j < OC_BLOCK; j++) {
    stores.push(`if (oc0 + ${j}u < ${g.cout}u) { store(a${j}, oc0 + ${j}u, n, oy, ox0); }`);
  }
  return /* wgsl */ `
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> Wt: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> B: array<f32>;
@group(0) @binding(4) var<storage, read_write> Y: array<f32>;
${LINEAR_WORKGROUP_ID}

fn store(acc: vec4<f32>, oc: u32, n: u32, oy: u32, ox0: u32) {
  let bias = ${hasBias ? 'B[oc]' : 'f32(arrayLength(&B)) * 0.0'}; // keeps B in the auto layout either way
  var v = acc + vec4<f32>(bias);
  ${relu ? 'v = max(v, vec4<f32>(0.0));' : ''}
  let base = ((n * ${g.cout}u + oc) * ${g.ho}u + oy) * ${g.wo}u + ox0;
  Y[base] = v.x;
  if (ox0 + 1u < ${g.wo}u) { Y[base + 1u] = v.y; }
  if (ox0 + 2u < ${g.wo}u) { Y[base + 2u] = v.z; }
  if (ox0 + 3u < ${g.wo}u) { Y[base + 3u] = v.w; }
}

@compute @workgroup_size(${FORWARD_WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let groupsPerImage = ${g.ho * groupsPerRow}u;
  let chunks = ${Math.ceil((g.ho * groupsPerRow) / FORWARD_WORKGROUP)}u;
  let wid = linear_workgroup_id(wg, nwg);
  let chunk = wid % chunks;
  let rest = wid / chunks;
  let ocb = rest % ${ocBlocks}u;
  let n = rest / ${ocBlocks}u;
  let gi = chunk * ${FORWARD_WORKGROUP}u + lid;
  if (n >= ${g.n}u || gi >= groupsPerImage) { return; }
  let oy = gi / ${groupsPerRow}u;
  let ox0 = (gi % ${groupsPerRow}u) * ${PX_BLOCK}u;
  let ix0 = i32(ox0 * ${g.stride}u) - ${g.padX};
  let oc0 = ocb * ${OC_BLOCK}u;
  var a0 = vec4<f32>(0.0); var a1 = vec4<f32>(0.0); var a2 = vec4<f32>(0.0); var a3 = vec4<f32>(0.0);
  for (var ci = 0u; ci < ${g.cin}u; ci++) {
    for (var ky = 0u; ky < ${g.kh}u; ky++) {
      let iy = i32(oy * ${g.stride}u + ky) - ${g.padY};
      if (iy < 0 || iy >= ${g.h}) { continue; }
      let rowBase = ((n * ${g.cin}u + ci) * ${g.h}u + u32(iy)) * ${g.w}u;
      ${segLoads.join('\n      ')}
      let wb = (((ocb * ${g.cin}u + ci) * ${g.kh}u + ky) * ${g.kw}u);
      ${fmas.join('\n      ')}
    }
  }
  ${stores.join('\n  ')}
}`;
}

/**
 * Rearranges OIHW weights into [ceil(O/8)][I][KH][KW][8] blocks for the forward kernel.
 * With `transposeFlip`, the block is built from W[o][i] with O and I swapped and the kernel rotated
 * 180°: the weights of the input-gradient convolution.
 */
export function weightLayoutKernel(cout: number, cin: number, kh: number, kw: number, transposeFlip: boolean): string {
  // Output of the layout: blocks over `outC` (the conv's output channels) and `inC`.
  const outC = transposeFlip ? cin : cout;
  const inC = transposeFlip ? cout : cin;
  const total = Math.ceil(outC / OC_BLOCK) * OC_BLOCK * inC * kh * kw;
  const src = transposeFlip
    ? `((ic * ${cin}u + oc) * ${kh}u + (${kh - 1}u - ky)) * ${kw}u + (${kw - 1}u - kx)`
    : `((oc * ${cin}u + ic) * ${kh}u + ky) * ${kw}u + kx`;
  return /* wgsl */ `
@group(0) @binding(1) var<storage, read> W: array<f32>;
@group(0) @binding(2) var<storage, read_write> Wt: array<f32>;
${perElementMain(total, `  let j = i % ${OC_BLOCK}u;
  var r = i / ${OC_BLOCK}u;
  let kx = r % ${kw}u; r = r / ${kw}u;
  let ky = r % ${kh}u; r = r / ${kh}u;
  let ic = r % ${inC}u;
  let ocb = r / ${inC}u;
  let oc = ocb * ${OC_BLOCK}u + j;
  if (oc >= ${outC}u) { Wt[i] = 0.0; return; }
  Wt[i] = W[${src}];`)}`;
}

/** Spreads dY onto a zero grid with stride-1 spacing (for the input gradient of a strided conv). */
export function dilateKernel(n: number, c: number, ho: number, wo: number, stride: number): string {
  const hd = (ho - 1) * stride + 1;
  const wd = (wo - 1) * stride + 1;
  const total = n * c * hd * wd;
  return /* wgsl */ `
@group(0) @binding(1) var<storage, read> D: array<f32>;
@group(0) @binding(2) var<storage, read_write> Out: array<f32>;
${perElementMain(total, `  let x = i % ${wd}u;
  let y = (i / ${wd}u) % ${hd}u;
  let plane = i / ${wd * hd}u;
  var v = 0.0;
  if (x % ${stride}u == 0u && y % ${stride}u == 0u) { v = D[(plane * ${ho}u + y / ${stride}u) * ${wo}u + x / ${stride}u]; }
  Out[i] = v;`)}`;
}
