// Direct convolution, register-blocked: each lane computes `oc` output channels × `px` consecutive
// output pixels of one row, reading a zero-padded, 4-aligned copy of the input (pad.wgsl.ts; a 1×1
// convolution reads its input in place) so the row segment under the kernel loads as whole vec4s with
// no bounds checks, and weights as vec4 over 4 output channels. Each accumulator is written once per
// loop step of (a few input channels, one kernel row) (one masked blend on lavapipe); no shared
// memory, no barriers. The kx loop, the channels of a step and the segment are unrolled.
import { LINEAR_WORKGROUP_ID, perElementMain } from '../../tensor/kernel.js';
import { roundUp, type ForwardTile } from './tiles.js';

/** Lanes that share one load of weights through subgroupShuffle with a constant lane (needs subgroups of at least 8; on lavapipe a permute, half the cost of subgroupBroadcast). */
const SHARE = 8;

export const CONV_WORKGROUP = 64;

export interface ConvGeometry {
  n: number;
  cin: number;
  cout: number;
  /** Output spatial size. */
  ho: number;
  wo: number;
  kh: number;
  kw: number;
  stride: number;
}

/** Shape of the padded input the forward kernel reads: rows from the first tap of output row 0. */
export interface PaddedInput {
  hp: number;
  /** Row length in floats (multiple of 4). */
  wp: number;
}

export function forwardPadded(g: ConvGeometry, px: number): PaddedInput {
  const segments = Math.ceil(g.wo / px);
  return { hp: (g.ho - 1) * g.stride + g.kh, wp: roundUp((segments * px - 1) * g.stride + g.kw, 4) };
}

/** Chain length (FMAs per accumulator write) to aim for: small kernels step several input channels at a time. */
const MIN_CHAIN = 8;

/** Input channels per loop step: the most, up to MIN_CHAIN / kw, that divides cin. */
export function channelsPerStep(cin: number, kw: number): number {
  for (let u = Math.max(1, Math.floor(MIN_CHAIN / kw)); u > 1; u--) if (cin % u === 0) return u;
  return 1;
}

const comp = (u: number, t: number) => `v${u}_${t >> 2}.${'xyzw'[t & 3]}`;

/** `input` is the layout of X: the padded copy by default, or any with rows of `wp` floats (a multiple of 4) covering the taps. */
export function forwardKernel(g: ConvGeometry, t: ForwardTile, hasBias: boolean, relu: boolean, input: PaddedInput = forwardPadded(g, t.px)): string {
  const { oc: OC, px: PX } = t;
  const shared = t.subgroups === true;
  const S = g.stride;
  const { hp, wp } = input;
  const wp4 = wp / 4;
  const segments = Math.ceil(g.wo / PX);
  const groups = OC / 4;
  const wVec4 = groups * g.kw; // weight vec4s per (ci, ky)
  const pixelLanes = g.n * g.ho * segments;
  const segVec4 = Math.ceil(((PX - 1) * S + g.kw) / 4);
  const U = channelsPerStep(g.cin, g.kw);
  const lines: string[] = [];
  // Row u of a step is input channel ci + u at kernel row ky.
  for (let u = 0; u < U; u++) for (let v = 0; v < segVec4; v++) lines.push(`let v${u}_${v} = X[xb + ${u * hp * wp4 + v}u];`);
  const weight = (u: number, q: number, kx: number) => `w${u}_${kx * groups + q}`;
  if (shared) {
    // Lane (sid mod 8) of each subgroup loads every 8th weight vec4; the others get it by shuffle.
    const slots = Math.ceil(wVec4 / SHARE);
    for (let u = 0; u < U; u++)
      for (let s = 0; s < slots; s++) lines.push(`let ws${u}_${s} = Wt[min(wb + ${u * g.kh * wVec4 + s * SHARE}u + (sid & ${SHARE - 1}u), ${'WLAST'}u)];`);
  }
  // Per group of 4 output channels: fetch its weight vec4s right before use (fewer live registers).
  for (let q = 0; q < groups; q++) {
    for (let u = 0; u < U; u++) {
      for (let kx = 0; kx < g.kw; kx++) {
        const v = kx * groups + q;
        lines.push(
          `let ${weight(u, q, kx)} = ${shared ? `subgroupShuffle(ws${u}_${Math.floor(v / SHARE)}, ${v % SHARE}u)` : `Wt[wb + ${u * g.kh * wVec4 + v}u]`};`,
        );
      }
    }
    for (let j = 4 * q; j < 4 * q + 4; j++) {
      for (let b = 0; b < PX / 4; b++) {
        // One fma chain per accumulator and step: a single write (one masked blend on lavapipe).
        let chain = `a${j}_${b}`;
        for (let u = 0; u < U; u++) {
          for (let kx = 0; kx < g.kw; kx++) {
            const xs = [0, 1, 2, 3].map((i) => comp(u, (4 * b + i) * S + kx)).join(', ');
            chain = `fma(vec4<f32>(${weight(u, q, kx)}.${'xyzw'[j & 3]}), vec4<f32>(${xs}), ${chain})`;
          }
        }
        lines.push(`a${j}_${b} = ${chain};`);
      }
    }
  }
  const accs = [];
  for (let j = 0; j < OC; j++) for (let b = 0; b < PX / 4; b++) accs.push(`var a${j}_${b} = vec4<f32>(0.0);`);
  const stores: string[] = [];
  for (let j = 0; j < OC; j++) {
    const px: string[] = [];
    for (let p = 0; p < PX; p++) px.push(`if (ox0 + ${p}u < ${g.wo}u) { Y[yb + ${p}u] = out(a${j}_${p >> 2}.${'xyzw'[p & 3]}, bias); }`);
    stores.push(`if (oc0 + ${j}u < ${g.cout}u) {
    let bias = ${hasBias ? `B[oc0 + ${j}u]` : 'f32(arrayLength(&B)) * 0.0'}; // keeps B in the auto layout either way
    let yb = params.skew + ((n * ${g.cout}u + oc0 + ${j}u) * ${g.ho}u + oy) * ${g.wo}u + ox0;
    ${px.join('\n    ')}
  }`);
  }
  const chunks = Math.ceil(pixelLanes / CONV_WORKGROUP);
  const wLast = Math.ceil(g.cout / OC) * g.cin * g.kh * wVec4 - 1;
  return /* wgsl */ `${shared ? 'enable subgroups;' : ''}
struct Params { skew: u32, xskew: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> X: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> Wt: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> B: array<f32>;
@group(0) @binding(4) var<storage, read_write> Y: array<f32>;
${LINEAR_WORKGROUP_ID}

fn out(acc: f32, bias: f32) -> f32 {
  return ${relu ? 'max(acc + bias, 0.0)' : 'acc + bias'};
}

@compute @workgroup_size(${CONV_WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32${shared ? ', @builtin(subgroup_invocation_id) sid: u32' : ''}) {
  // A workgroup shares one block of output channels (so one set of weights) over ${CONV_WORKGROUP} pixel segments.
  let wid = linear_workgroup_id(wg, nwg);
  let ocb = wid / ${chunks}u;
  if (ocb >= ${Math.ceil(g.cout / OC)}u) { return; }
  let pl = (wid % ${chunks}u) * ${CONV_WORKGROUP}u + lid;
  let valid = pl < ${pixelLanes}u; // lanes past the end compute a copy of the last segment and store nothing
  let p = min(pl, ${pixelLanes - 1}u);
  let seg = p % ${segments}u;
  let oy = (p / ${segments}u) % ${g.ho}u;
  let n = p / ${segments * g.ho}u;
  let ox0 = seg * ${PX}u;
  let oc0 = ocb * ${OC}u;
  let xLane = params.xskew + (n * ${g.cin * hp}u + oy * ${S}u) * ${wp4}u + seg * ${(PX * S) / 4}u;
  let wLane = ocb * ${g.cin * g.kh * wVec4}u;
  ${accs.join(' ')}
  for (var ci = 0u; ci < ${g.cin}u; ci += ${U}u) {
    for (var ky = 0u; ky < ${g.kh}u; ky++) {
      let xb = xLane + (ci * ${hp}u + ky) * ${wp4}u;
      let wb = wLane + (ci * ${g.kh}u + ky) * ${wVec4}u;
      ${lines.join('\n      ').replaceAll('WLAST', String(wLast))}
    }
  }
  if (!valid) { return; }
  ${stores.join('\n  ')}
}`;
}

/** Workgroups of the forward kernel. */
export function forwardWorkgroups(g: ConvGeometry, t: ForwardTile): number {
  return Math.ceil(g.cout / t.oc) * Math.ceil((g.n * g.ho * Math.ceil(g.wo / t.px)) / CONV_WORKGROUP);
}

/** Elements of the laid-out weights: output channels padded to a multiple of `oc`. */
export function weightLayoutSize(outC: number, inC: number, kh: number, kw: number, oc: number): number {
  return roundUp(outC, oc) * inC * kh * kw;
}

/**
 * Rearranges OIHW weights into [O/oc][I][KH][KW][oc] (O padded to a multiple of `oc` with zeros), so
 * a lane loads the weights of 4 output channels as one vec4 and those of one (ci, ky) contiguously.
 * With `flip` set, O and I are swapped and the kernel rotated 180°: the weights of the
 * input-gradient convolution. Sizes are uniforms: one pipeline for every layer.
 */
export const WEIGHT_LAYOUT_KERNEL = /* wgsl */ `
struct Params { total: u32, cout: u32, cin: u32, kh: u32, kw: u32, oc: u32, flip: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> W: array<f32>;
@group(0) @binding(2) var<storage, read_write> Wt: array<f32>;
${perElementMain(
  'params.total',
  `  let p = params;
  let outC = select(p.cout, p.cin, p.flip == 1u);
  let inC = select(p.cin, p.cout, p.flip == 1u);
  let j = i % p.oc;
  var r = i / p.oc;
  let kx = r % p.kw; r = r / p.kw;
  let ky = r % p.kh; r = r / p.kh;
  let ic = r % inC;
  let o = (r / inC) * p.oc + j;
  if (o >= outC) { Wt[i] = 0.0; return; }
  if (p.flip == 1u) {
    Wt[i] = W[((ic * p.cin + o) * p.kh + (p.kh - 1u - ky)) * p.kw + (p.kw - 1u - kx)];
  } else {
    Wt[i] = W[((o * p.cin + ic) * p.kh + ky) * p.kw + kx];
  }`,
)}`;

export function weightLayoutUniforms(cout: number, cin: number, kh: number, kw: number, oc: number, flip: boolean): Uint32Array {
  const total = flip ? weightLayoutSize(cin, cout, kh, kw, oc) : weightLayoutSize(cout, cin, kh, kw, oc);
  return new Uint32Array([total, cout, cin, kh, kw, oc, flip ? 1 : 0, 0]);
}
