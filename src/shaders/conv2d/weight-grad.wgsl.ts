// Weight gradient dW[co,ci,ky,kx] = Σ_{n,oy,ox} dY[n,co,oy,ox] · X[n,ci,oy·s+ky−p,ox·s+kx−p].
// A lane owns `co` output channels × `rows` (ci, ky) rows × all kx, and walks every output row in
// steps of `q` pixels: per step it loads q/4 vec4 of dY per channel and one aligned vec4 segment of
// the padded input per row, then updates each accumulator once with a q-term dot product. dY rows
// are zero-padded to a multiple of q (pad.wgsl.ts), so tails need no checks. Rows of the batch can
// be split over several lanes (split-K) into a [splits][dW] buffer that a second kernel adds up in
// a fixed order, so results are reproducible.
import { elementWorkgroups, LINEAR_WORKGROUP_ID, perElementMain } from '../../tensor/kernel.js';
import { Tensor } from '../../tensor/tensor.js';
import { mapInPlace } from '../../tensor/map.js';
import { CONV_WORKGROUP, type ConvGeometry } from './forward.wgsl.js';
import { roundUp, weightGradRows, type WeightGradTile } from './tiles.js';

/** Padded shapes the weight-gradient kernel reads: input rows of `wp` floats, dY rows of `woq`. */
export function weightGradPadded(g: ConvGeometry, t: WeightGradTile): { hp: number; wp: number; woq: number } {
  const woq = roundUp(g.wo, t.q);
  return { hp: (g.ho - 1) * g.stride + g.kh, wp: roundUp((woq - 1) * g.stride + g.kw, 4), woq };
}

function rowBlockCount(g: ConvGeometry, t: WeightGradTile): number {
  const rows = g.cin * g.kh;
  return Math.ceil(rows / weightGradRows(t, g.kw, rows));
}

/** Lanes per workgroup: fewer than 64 when there are few row blocks (extra lanes would only repeat work). */
function workgroupSize(g: ConvGeometry, t: WeightGradTile): number {
  return Math.min(CONV_WORKGROUP, roundUp(rowBlockCount(g, t), 8));
}

/** Workgroups of the kernel: one block of output channels and one split per workgroup row. */
export function weightGradWorkgroups(g: ConvGeometry, t: WeightGradTile, splits: number): number {
  return Math.ceil(g.cout / t.co) * splits * Math.ceil(rowBlockCount(g, t) / workgroupSize(g, t));
}

/** Lanes the kernel runs for one split. */
export function weightGradLanes(g: ConvGeometry, t: WeightGradTile): number {
  const rows = g.cin * g.kh;
  return Math.ceil(g.cout / t.co) * Math.ceil(rows / weightGradRows(t, g.kw, rows));
}

const comp = (t: number) => `.${'xyzw'[t & 3]}`;

/** Lanes that share one load of dY through subgroupShuffle with a constant lane (needs subgroups of at least 8; on lavapipe a permute, half the cost of subgroupBroadcast). */
const SHARE = 8;

export function weightGradKernel(g: ConvGeometry, t: WeightGradTile, splits: number): string {
  const S = g.stride;
  const shared = t.subgroups === true;
  const { hp, wp, woq } = weightGradPadded(g, t);
  const wp4 = wp / 4;
  const woq4 = woq / 4;
  const rowsTotal = g.cin * g.kh;
  const R = weightGradRows(t, g.kw, rowsTotal);
  const CO = t.co;
  const q4 = t.q / 4;
  const rowBlocks = Math.ceil(rowsTotal / R);
  const coBlocks = Math.ceil(g.cout / CO);
  const wgSize = workgroupSize(g, t);
  const rbChunks = Math.ceil(rowBlocks / wgSize);
  const segVec4 = Math.ceil(((t.q - 1) * S + g.kw) / 4);
  const plane4 = g.ho * woq4;
  const setup: string[] = [];
  for (let i = 0; i < R; i++) {
    setup.push(`let f${i} = min(rb * ${R}u + ${i}u, ${rowsTotal - 1}u);`);
    setup.push(`let xo${i} = ((f${i} / ${g.kh}u) * ${hp}u + f${i} % ${g.kh}u) * ${wp4}u;`);
  }
  const dVec4 = CO * q4;
  const slots = Math.ceil(dVec4 / SHARE);
  if (shared) {
    // Slot s of lane (sid mod 8) holds dY vec4 e = 8s + sid mod 8 (channel e / q4, vec4 e mod q4 of the step).
    for (let s = 0; s < slots; s++) {
      setup.push(`let e${s} = ${s * SHARE}u + (sid & ${SHARE - 1}u);`);
      setup.push(`let so${s} = min(cob * ${CO}u + e${s} / ${q4}u, ${g.cout - 1}u) * ${plane4}u + e${s} % ${q4}u;`);
    }
  } else {
    for (let j = 0; j < CO; j++) setup.push(`let do${j} = min(cob * ${CO}u + ${j}u, ${g.cout - 1}u) * ${plane4}u;`);
  }
  const accs: string[] = [];
  for (let j = 0; j < CO; j++) for (let i = 0; i < R; i++) for (let kx = 0; kx < g.kw; kx++) accs.push(`var a${j}_${i}_${kx} = 0.0;`);
  const body: string[] = [];
  if (shared) for (let s = 0; s < slots; s++) body.push(`let ds${s} = D[dq + so${s}];`);
  for (let i = 0; i < R; i++) for (let v = 0; v < segVec4; v++) body.push(`let x${i}_${v} = X[xq + xo${i} + ${v}u];`);
  for (let j = 0; j < CO; j++) {
    // Fetch channel j's dY right before its accumulators (fewer live registers).
    for (let v = 0; v < q4; v++) {
      const e = j * q4 + v;
      body.push(shared ? `let d${j}_${v} = subgroupShuffle(ds${Math.floor(e / SHARE)}, ${e % SHARE}u);` : `let d${j}_${v} = D[dq + do${j} + ${v}u];`);
    }
    for (let i = 0; i < R; i++) {
      for (let kx = 0; kx < g.kw; kx++) {
        const terms = Array.from({ length: q4 }, (_, v) => {
          const xs = [0, 1, 2, 3].map((p) => {
            const tap = (4 * v + p) * S + kx;
            return `x${i}_${tap >> 2}${comp(tap)}`;
          });
          return `dot(d${j}_${v}, vec4<f32>(${xs.join(', ')}))`;
        });
        body.push(`a${j}_${i}_${kx} += ${terms.join(' + ')};`);
      }
    }
  }
  const stores: string[] = [];
  const taps = g.kh * g.kw;
  for (let j = 0; j < CO; j++) {
    for (let i = 0; i < R; i++) {
      const row = Array.from({ length: g.kw }, (_, kx) => `P[b + ${kx}u] = a${j}_${i}_${kx};`).join(' ');
      stores.push(
        `if (cob * ${CO}u + ${j}u < ${g.cout}u && rb * ${R}u + ${i}u < ${rowsTotal}u) { let b = outBase + (cob * ${CO}u + ${j}u) * ${g.cin * taps}u + (f${i} / ${g.kh}u) * ${taps}u + (f${i} % ${g.kh}u) * ${g.kw}u; ${row} }`,
      );
    }
  }
  const rows = g.n * g.ho;
  return /* wgsl */ `${shared ? 'enable subgroups;' : ''}
@group(0) @binding(1) var<storage, read> X: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> D: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> P: array<f32>;
${LINEAR_WORKGROUP_ID}

@compute @workgroup_size(${wgSize})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32${shared ? ', @builtin(subgroup_invocation_id) sid: u32' : ''}) {
  // A workgroup shares one block of output channels and one split (so the same dY) over ${wgSize} row blocks.
  let wid = linear_workgroup_id(wg, nwg);
  let r1 = wid / ${rbChunks}u;
  let split = r1 % ${splits}u;
  let cob = r1 / ${splits}u;
  if (cob >= ${coBlocks}u) { return; }
  let rb = min((wid % ${rbChunks}u) * ${wgSize}u + lid, ${rowBlocks - 1}u);
  let valid = (wid % ${rbChunks}u) * ${wgSize}u + lid < ${rowBlocks}u; // extra lanes repeat the last block, store nothing
  ${setup.join('\n  ')}
  ${accs.join(' ')}
  let rowEnd = (split + 1u) * ${rows}u / ${splits}u;
  for (var row = split * ${rows}u / ${splits}u; row < rowEnd; row++) {
    let n = row / ${g.ho}u;
    let oy = row % ${g.ho}u;
    let xRow = (n * ${g.cin * hp}u + oy * ${S}u) * ${wp4}u;
    let dRow = (n * ${g.cout * g.ho}u + oy) * ${woq4}u;
    for (var v0 = 0u; v0 < ${woq4}u; v0 += ${q4}u) {
      let xq = xRow + v0 * ${S}u;
      let dq = dRow + v0;
      ${body.join('\n      ')}
    }
  }
  if (!valid) { return; }
  let outBase = split * ${g.cout * g.cin * taps}u;
  ${stores.join('\n  ')}
}`;
}

/**
 * Where sub-batch `chunk` of a weight gradient cut into `splits` split-K slices writes (`partial`:
 * dw itself for the first sub-batch without splits), and `finish`, which adds the slices in a fixed
 * order and a later sub-batch's sum into dw.
 */
export function weightGradTargets(op: string, dw: Tensor, chunk: number, splits: number): { partial: Tensor; finish: () => void } {
  const size = dw.size;
  const target = chunk === 0 ? dw : Tensor.empty(dw.engine, dw.shape, `${op} chunk`);
  const partial = splits === 1 ? target : Tensor.empty(dw.engine, [splits * size], `${op} partial`);
  const finish = () => {
    if (partial !== target) {
      dw.engine.dispatch({
        op,
        kernel: { code: SUM_SPLITS_KERNEL },
        bindings: [partial.binding(op), target.binding(op)],
        uniforms: new Uint32Array([size, splits, 0, 0]),
        workgroups: elementWorkgroups(dw.engine, size),
      });
      partial.dispose();
    }
    if (target !== dw) {
      mapInPlace(op, 'a + b', dw, target);
      target.dispose();
    }
  };
  return { partial, finish };
}

/** Adds `splits` partial sums of length `size` in a fixed order (sizes as uniforms: one pipeline). */
export const SUM_SPLITS_KERNEL = /* wgsl */ `
struct Params { size: u32, splits: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> P: array<f32>;
@group(0) @binding(2) var<storage, read_write> Out: array<f32>;
${perElementMain(
  'params.size',
  `  var acc = 0.0;
  for (var s = 0u; s < params.splits; s++) { acc += P[s * params.size + i]; }
  Out[i] = acc;`,
)}`;

/** Bias gradient: one lane per output channel sums its dY plane over the batch. */
export const BIAS_GRAD_KERNEL = /* wgsl */ `
struct Params { skew: u32, n: u32, cout: u32, hw: u32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> D: array<f32>;
@group(0) @binding(2) var<storage, read_write> DB: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let co = gid.x;
  if (co >= params.cout) { return; }
  var acc = 0.0;
  for (var n = 0u; n < params.n; n++) {
    let base = params.skew + (n * params.cout + co) * params.hw;
    var part = 0.0;
    for (var i = 0u; i < params.hw; i++) { part += D[base + i]; }
    acc += part;
  }
  DB[co] = acc;
}`;
