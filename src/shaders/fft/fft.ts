// Launchers of the batched tile FFTs and the per-bin complex product (see the .wgsl.ts files beside).
// Spectra are plain float32 tensors holding interleaved complex values; callers lay them out.
import { EngineError } from '../../tensor/errors.js';
import type { BufferBinding, Engine } from '../../tensor/engine.js';
import { Tensor } from '../../tensor/tensor.js';
import {
  FFT_WORKGROUP,
  FUSED_WORKGROUP,
  inverseColumnsKernel,
  MAX_FUSED_T,
  spectrumRowsKernel,
  tileColumnsKernel,
  tileSpectraFusedKernel,
  tilesFromSpectraFusedKernel,
  tileUniforms,
  type FftSize,
  type TileGeometry,
  type TransformPasses,
} from './fft.wgsl.js';
import {
  f16OperandScale,
  matmulLanes,
  matmulUniforms,
  MATMUL_WORKGROUP,
  sharedOperand,
  spectralMatmulKernel,
  spectralMatmulTiledKernel,
  tiledBlock,
  tiledUniforms,
  tiledWorkgroups,
  type SpectralMatmul,
} from './spectral-matmul.wgsl.js';
import { toF16 } from '../precision.js';

export { binSlot, FFT_SIZES, MAX_FUSED_T, TILE_FLAG, type FftSize, type TileGeometry, type TransformPasses } from './fft.wgsl.js';
export { matmulBlocks, roundTo, SUBGROUP_FORM_MACS, type SpectralKernel, type SpectralMatmul } from './spectral-matmul.wgsl.js';

/** Lane indices are split through f32 in the kernels: exact below 2^24. */
const MAX_LANES = 2 ** 24;

/** Bins stored of a T×T real spectrum: T/2 + 1 rows of T, less the T − 2 that are conjugates of others (binSlot). */
export const spectrumBins = (T: number): number => (T * T) / 2 + 2;

/** Floats of the half spectra between the two passes of a transform, `width` columns per plane. */
const halfSpectraFloats = (T: number, planes: number, width: number): number => planes * (T / 2 + 1) * width * 2;

/** Generated WGSL by kernel and sizes: the straight-line transforms are up to 60 kB, built once each rather than per dispatch. */
const sources = new Map<string, string>();
const keysBySource = new Map<string, string>();
/** Which FFT kernel (and sizes) a dispatched source is, for profiles; undefined for other kernels. */
export const fftKernelName = (code: string): string | undefined => keysBySource.get(code);
function source(key: string, make: () => string): { code: string } {
  let code = sources.get(key);
  if (code === undefined) {
    code = make();
    sources.set(key, code);
    keysBySource.set(code, key);
  }
  return { code };
}

function workgroups(op: string, lanes: number, per: number): number {
  if (lanes >= MAX_LANES) throw new EngineError(op, `${lanes} FFT lanes in one dispatch exceed ${MAX_LANES}; split the batch`);
  return Math.ceil(lanes / per);
}

function checkFused(op: string, T: FftSize, passes: TransformPasses): boolean {
  if (passes === 'fused' && T > MAX_FUSED_T) throw new EngineError(op, `internal: fused tile transforms go up to T = ${MAX_FUSED_T}, not ${T}`);
  return passes === 'fused';
}

/** Spectra of the tiles of `src` described by `g`, written into `spectrum` at g's layout. */
export function tileSpectra(
  op: string,
  engine: Engine,
  T: FftSize,
  src: BufferBinding,
  g: TileGeometry,
  spectrum: BufferBinding,
  passes: TransformPasses = 'two-pass',
): void {
  const first = g.first ?? 0;
  const taps = Math.min(g.lim, T - first);
  const windowKey = first > 0 ? ` from ${first}` : '';
  if (checkFused(op, T, passes)) {
    engine.dispatch({
      op,
      kernel: source(`fused forward ${T} ${taps}${windowKey}`, () => tileSpectraFusedKernel(T, taps, first)),
      bindings: [src, spectrum],
      uniforms: new Uint32Array(tileUniforms(g)),
      workgroups: workgroups(op, g.planes, FUSED_WORKGROUP),
    });
    return;
  }
  const half = Tensor.empty(engine, [halfSpectraFloats(T, g.planes, taps)], `${op} half spectra`);
  const uniforms = new Uint32Array(tileUniforms(g));
  engine.dispatch({
    op,
    kernel: source(`columns ${T} ${taps}${windowKey}`, () => tileColumnsKernel(T, taps, first)),
    bindings: [src, half.binding(op)],
    uniforms,
    workgroups: workgroups(op, g.planes * taps, FFT_WORKGROUP),
  });
  engine.dispatch({
    op,
    kernel: source(`rows ${T} ${taps}${windowKey}`, () => spectrumRowsKernel(T, 'forward', taps, first)),
    bindings: [half.binding(op), spectrum],
    uniforms,
    workgroups: workgroups(op, (T / 2 + 1) * g.planes, FFT_WORKGROUP),
  });
  half.dispose();
}

/**
 * The tiles whose spectra `spectrum` holds, transformed back, scaled by 1/T² and written into `dst` as g says:
 * circular indices g.off … g.off + g.lim − 1 of each tile along each axis.
 */
export function tilesFromSpectra(
  op: string,
  engine: Engine,
  T: FftSize,
  spectrum: BufferBinding,
  g: TileGeometry,
  dst: BufferBinding,
  bias: BufferBinding | null,
  passes: TransformPasses = 'two-pass',
): void {
  if (g.off < 0 || g.lim < 1 || g.off + g.lim > T) throw new EngineError(op, `kept outputs ${g.off}…${g.off + g.lim - 1} lie outside a tile of ${T}`);
  const uniforms = new Uint32Array(tileUniforms({ ...g, scale: 1 / (T * T) }));
  // Without a bias the spectrum is bound in its place: unread, but the layout needs a buffer.
  if (checkFused(op, T, passes)) {
    engine.dispatch({
      op,
      kernel: source(`fused inverse ${T}`, () => tilesFromSpectraFusedKernel(T)),
      bindings: [spectrum, dst, bias ?? spectrum],
      uniforms,
      workgroups: workgroups(op, g.planes, FUSED_WORKGROUP),
    });
    return;
  }
  const half = Tensor.empty(engine, [halfSpectraFloats(T, g.planes, g.lim)], `${op} half tiles`);
  engine.dispatch({
    op,
    kernel: source(`inverse rows ${T}`, () => spectrumRowsKernel(T, 'inverse')),
    bindings: [spectrum, half.binding(op)],
    uniforms,
    workgroups: workgroups(op, (T / 2 + 1) * g.planes, FFT_WORKGROUP),
  });
  engine.dispatch({
    op,
    kernel: source(`inverse columns ${T}`, () => inverseColumnsKernel(T)),
    bindings: [half.binding(op), dst, bias ?? spectrum],
    uniforms,
    workgroups: workgroups(op, g.planes * g.lim, FFT_WORKGROUP),
  });
  half.dispose();
}

/** C[f] = op(A[f]) · B[f] for every bin f. */
export function spectralMatmul(op: string, engine: Engine, p: SpectralMatmul, a: BufferBinding, b: BufferBinding, c: BufferBinding): void {
  for (const [name, v] of Object.entries({ aBin: p.aBin, aRow: p.aRow, bBin: p.bBin, bRow: p.bRow, cBin: p.cBin, cRow: p.cRow })) {
    if (v % 4 !== 0) throw new EngineError(op, `spectral product stride ${name} = ${v} is not a multiple of 4`);
  }
  const kernel = p.kernel ?? 'register';
  if (kernel === 'register' || kernel === 'register-subgroup') {
    const shared = sharedOperand(p);
    engine.dispatch({
      op,
      kernel: source(`product ${p.mb} ${p.nb}${shared ? ` shared ${shared}` : ''}${p.transposeA ? ' transposed A' : ''}`, () =>
        spectralMatmulKernel(p.mb, p.nb, shared, p.transposeA),
      ),
      bindings: [a, b, c],
      uniforms: matmulUniforms(p),
      workgroups: workgroups(op, matmulLanes(p), MATMUL_WORKGROUP),
    });
    return;
  }
  const f16 = p.kernel === 'tiled-f16';
  // f16 operands: each spectrum scaled (into f16's range) and rounded once into a packed copy (floats = bytes / 4).
  const s = f16 ? f16OperandScale(p) : 1;
  const [a16, b16] = f16 ? [toF16(op, engine, a, 0, a.size / 4, s), toF16(op, engine, b, 0, b.size / 4, s)] : [null, null];
  const block = tiledBlock(p);
  engine.dispatch({
    op,
    kernel: source(`tiled product ${f16} ${block.lm}`, () => spectralMatmulTiledKernel(f16, block)),
    bindings: [a16?.binding(op) ?? a, b16?.binding(op) ?? b, c],
    uniforms: tiledUniforms(p, 1 / (s * s)),
    workgroups: tiledWorkgroups(p),
  });
  a16?.dispose();
  b16?.dispose();
}
