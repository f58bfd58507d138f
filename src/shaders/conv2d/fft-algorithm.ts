// Convolution through the frequency domain (stride 1, square kernels), by overlap-save over T×T tiles:
// each tile of S = T − k + 1 outputs sees a T×T input tile, and its k×k kernel zero-padded to T×T.
// Cross-correlation is a product with the conjugate kernel spectrum, summed over input channels per
// frequency bin: a batched complex matrix product (../fft). With y, x, dy, dx NCHW and w OIHW:
//   forward  Y[f][co][p] = Σ_ci conj(W[f][ci][co]) · X[f][ci][p]     (x tiles from −pad)
//   dX      DX[f][ci][p] = Σ_co W[f][co][ci] · DY[f][co][p]          (dy tiles from −(k−1−pad); a convolution, read from k − 1;
//                                                                   under autograd W is the forward's [ci][co], read transposed)
//   dW      DW[f][co][ci] = Σ_p conj(DY[f][p][co]) · X[f][p][ci]     (dy tiles of S outputs against the forward's x tiles)
// where p runs over (image, tile); each spectrum is laid out [k][m] or [k][n] as the product reads
// it. Sub-batches keep every spectrum inside one storage binding; dW sums its sub-batches in the
// frequency domain and transforms once.
import { EngineError } from '../../tensor/errors.js';
import type { BufferBinding, Engine } from '../../tensor/engine.js';
import { Tensor } from '../../tensor/tensor.js';
import {
  matmulBlocks,
  roundTo,
  spectralMatmul,
  spectrumBins,
  tileSpectra,
  tilesFromSpectra,
  TILE_FLAG,
  SUBGROUP_FORM_MACS,
  type FftSize,
  type SpectralKernel,
  type TileGeometry,
  type TransformPasses,
} from '../fft/fft.js';
import { imageWindow, subBatches } from '../../tensor/split.js';

/** Spectra dimensions are padded to whole product blocks: at most 16 (matmulBlocks). */
const MAX_BLOCK = 16;
const padBlock = (v: number): number => roundTo(v, MAX_BLOCK);

export interface FftConvShape {
  n: number;
  cin: number;
  h: number;
  w: number;
  cout: number;
  k: number;
  padding: number;
}

/** Outputs per tile along each axis. */
export const tileStep = (T: number, k: number): number => T - k + 1;

function outSize(s: FftConvShape): [number, number] {
  return [s.h + 2 * s.padding - s.k + 1, s.w + 2 * s.padding - s.k + 1];
}

/** Tiles per image of each kind's tiled extent (forward and dW tile the output, dX the input). */
export function tilesPerImage(s: FftConvShape, T: number, kind: 'forward' | 'dX' | 'dW'): [number, number] {
  const [ho, wo] = kind === 'dX' ? [s.h, s.w] : outSize(s);
  const S = tileStep(T, s.k);
  return [Math.ceil(ho / S), Math.ceil(wo / S)];
}

/** Bytes of the kernel spectra (at most: channels padded to whole blocks), the largest single binding that cannot be split over the batch. */
export function weightSpectrumBytes(s: Pick<FftConvShape, 'cin' | 'cout'>, T: number): number {
  return spectrumBins(T) * padBlock(s.cout) * padBlock(s.cin) * 8;
}

/** Whether tile size T can run this shape under a binding limit: the kernel spectra, and one image's spectra, must fit one binding. */
export function fftApplicable(s: FftConvShape, T: number, maxBindingBytes: number): boolean {
  if (s.k > T || T - s.k + 1 < Math.min(4, T / 2)) return false;
  const oneImage = Math.max(...(['forward', 'dX'] as const).flatMap((kind) => sizes(s, T, kind).perImage));
  return weightSpectrumBytes(s, T) <= maxBindingBytes && 4 * oneImage + 256 <= maxBindingBytes;
}

/** Per bin, a matrix of plane spectra: `rows` rows of `ld` complex values, plane (a, b) in row a or row b. */
interface SpectrumLayout {
  rows: number;
  ld: number;
  fStride: number;
  mulA: number;
  mulB: number;
  specBase: number;
}

function spectrumLayout(rows: number, ld: number, rowIsA: boolean): SpectrumLayout {
  return { rows, ld, fStride: rows * ld, mulA: rowIsA ? ld : 1, mulB: rowIsA ? 1 : ld, specBase: 0 };
}

/** Spectra in layout `l`; over `limit` bytes would mean the sub-batch sizing (sizes) underestimated them: an internal error, not a split. */
function spectra(op: string, engine: Engine, T: number, l: SpectrumLayout, what: string, limit: number): Tensor {
  const floats = spectrumBins(T) * l.fStride * 2;
  if (4 * floats > limit) throw new EngineError(op, `internal: ${what} spectra of ${4 * floats} B exceed the ${limit} B binding budget they were sized for`);
  return Tensor.empty(engine, [floats], `${op} ${what} spectra`);
}

/** The cout·cin planes of an OIHW kernel (or kernel gradient), each one k×k tile, in spectrum layout `l`. */
function kernelPlanes(cout: number, cin: number, k: number, l: SpectrumLayout): TileGeometry {
  const tile = { tilesY: 1, tilesX: 1, base: 0, height: k, width: k, step: k, off: 0, lim: k, fStride: l.fStride, specBase: l.specBase };
  // Neighbouring lanes take neighbouring b: numbered so that b is the layout's contiguous index.
  if (l.mulB === 1) return { planes: cout * cin, b: cin, strideN: k * k, strideA: cin * k * k, mulA: l.mulA, mulB: 1, ...tile };
  return { planes: cout * cin, b: cout, strideN: cin * k * k, strideA: k * k, mulA: l.mulB, mulB: l.mulA, ...tile };
}

/** Spectra of w in `l`. */
function weightSpectra(op: string, w: Tensor, T: FftSize, l: SpectrumLayout, r: FftRun): Tensor {
  const [cout, cin, k] = w.shape as [number, number, number];
  const spectrum = spectra(op, w.engine, T, l, 'kernel', r.maxBindingBytes);
  tileSpectra(op, w.engine, T, w.binding(op), kernelPlanes(cout, cin, k, l), spectrum.binding(op), r.transforms);
  return spectrum;
}

interface Images {
  /** Binding over the sub-batch and the elements before its first image. */
  window: { binding: BufferBinding; skew: number };
  count: number;
  channels: number;
  height: number;
  width: number;
}

/** Geometry of the tiles of a sub-batch of NCHW images, plane q = channel · tiles + tile. */
function imageTiles(im: Images, tiles: [number, number], S: number, off: number, lim: number): Omit<TileGeometry, 'fStride' | 'mulA' | 'mulB' | 'specBase'> {
  const b = im.count * tiles[0] * tiles[1];
  return {
    planes: im.channels * b,
    b,
    tilesY: tiles[0],
    tilesX: tiles[1],
    base: im.window.skew,
    strideN: im.channels * im.height * im.width,
    strideA: im.height * im.width,
    height: im.height,
    width: im.width,
    step: S,
    off,
    lim,
  };
}

function sizes(s: FftConvShape, T: number, kind: 'forward' | 'dX' | 'dW') {
  const [ty, tx] = tilesPerImage(s, T, kind);
  // Per image, with room for the padding of a sub-batch's tile count to a whole block.
  const tilesPerImg = ty * tx + MAX_BLOCK - 1;
  const bins = spectrumBins(T) * 2;
  return { tiles: [ty, tx] as [number, number], perImage: [bins * padBlock(s.cin) * tilesPerImg, bins * padBlock(s.cout) * tilesPerImg] };
}

function images(op: string, t: Tensor, n0: number, count: number): Images {
  const [, c, h, w] = t.shape as [number, number, number, number];
  return { window: imageWindow(op, t, n0, count, c * h * w), count, channels: c, height: h, width: w };
}

function checkShape(op: string, s: FftConvShape, T: FftSize, limit: number): void {
  if (!fftApplicable(s, T, limit)) {
    throw new EngineError(
      op,
      `FFT tile ${T} cannot run a ${s.k}×${s.k} kernel of ${s.cin}→${s.cout} channels (tile smaller than about twice the kernel, or kernel spectra of ${(weightSpectrumBytes(s, T) / 2 ** 20).toFixed(1)} MiB over the binding limit)`,
    );
  }
}

export interface FftRun {
  tile: FftSize;
  relu: boolean;
  maxBindingBytes: number;
  /** The channel-mixing kernel (default: the register-blocked one). */
  mix?: SpectralKernel;
  /** How the tile transforms run (default: two passes each way). */
  transforms?: TransformPasses;
}

/**
 * A forward's kernel spectra, kept for the same layer's dX: [f][ci][co] with ci padded to whole blocks,
 * which dX's product reads transposed (its sum runs over co). It saves dX one weight transform.
 */
export interface KernelSpectra {
  spectra: Tensor;
  tile: FftSize;
  fStride: number;
  ld: number;
}

/** The register mixing kernels read A transposed; the tiled ones do not. */
const readsTransposed = (r: FftRun): boolean => (r.mix ?? 'register').startsWith('register');

/** Whether a dX that runs `r` can read a forward's kernel spectra of tile T. */
export const readsKeptKernel = (T: FftSize, r: FftRun): boolean => T === r.tile && readsTransposed(r);

/**
 * Whether a layer's gradients share its transforms: where its product is large enough for the subgroup
 * form (SUBGROUP_FORM_MACS complex multiply-adds), for the same reason. Sharing runs the transposed
 * products, more pipelines to compile (0.6–6 s each on lavapipe), which small layers do not repay
 * (cpm-small's first step on a cold shader cache went from 44 to 60 s).
 */
export const sharingPays = (s: FftConvShape, T: FftSize): boolean => fftWork(s, T, 'dX').macs / 4 >= SUBGROUP_FORM_MACS;

/** Whether a layer's dX and dW, run as `dX` and `dW`, can share dY's spectra (fftConvGrads). */
export const canShareDySpectra = (dX: FftRun, dW: FftRun): boolean => dX.tile === dW.tile && dX.mix === dW.mix && readsTransposed(dX);

/**
 * Forward and dX share one shape: source tiles (from −padding for the forward, −(k−1−padding) for dX),
 * their spectra times the kernel spectra summed over the source's channels, transformed back and kept
 * from circular index 0 (forward) or k − 1 (dX). The forward correlates (conjugate kernel spectra,
 * [ci][co]); dX convolves ([co][ci]).
 */
function mixThroughSpectra(
  op: string,
  src: Tensor,
  w: Tensor,
  b: Tensor | null,
  dst: Tensor,
  padding: number,
  kind: 'forward' | 'dX',
  r: FftRun,
  kernel: 'keep' | KernelSpectra | null,
  withSource?: SourceSpectraUse,
): KernelSpectra | null {
  const [n, srcC, srcH, srcW] = src.shape as [number, number, number, number];
  const [, dstC, dstH, dstW] = dst.shape as [number, number, number, number];
  const k = w.shape[2]!;
  const forward = kind === 'forward';
  const s: FftConvShape = forward ? { n, cin: srcC, h: srcH, w: srcW, cout: dstC, k, padding } : { n, cin: dstC, h: dstH, w: dstW, cout: srcC, k, padding };
  const T = r.tile;
  checkShape(op, s, T, r.maxBindingBytes);
  const S = tileStep(T, k);
  const { tiles, perImage } = sizes(s, T, kind);
  const perImageTiles = tiles[0] * tiles[1];
  const { mb, nb, shared } = matmulBlocks(dstC, Math.min(n, 8) * perImageTiles, r.mix, spectrumBins(T) * srcC);
  // Kernel spectra [source channel][destination channel]: planes (co, ci) with ci the row for the forward, co for dX;
  // or the forward's, kept, read transposed by dX. Kept ones have their rows padded so that dX's padded blocks read inside.
  const kept = kind === 'dX' && kernel !== null && kernel !== 'keep' && readsKeptKernel(kernel.tile, r) ? kernel : null;
  const wl = kept ? null : spectrumLayout(kernel === 'keep' ? padBlock(srcC) : srcC, roundTo(dstC, mb), !forward);
  const ws = kept?.spectra ?? weightSpectra(op, w, T, wl!, r);
  const [aBin, aRow] = kept ? [kept.fStride, kept.ld] : [wl!.fStride, wl!.ld];
  for (const [n0, count] of subBatches(op, n, [srcC * srcH * srcW, dstC * dstH * dstW, ...perImage], r.maxBindingBytes)) {
    const si = images(op, src, n0, count);
    const di = images(op, dst, n0, count);
    const P = count * perImageTiles;
    // Rows padded to whole blocks where another product reads them transposed.
    const sl = spectrumLayout(withSource ? padBlock(srcC) : srcC, roundTo(P, nb), true);
    const dl = spectrumLayout(roundTo(dstC, mb), roundTo(P, nb), true);
    const ss = spectra(op, src.engine, T, sl, 'source', r.maxBindingBytes);
    const ds = spectra(op, src.engine, T, dl, 'destination', r.maxBindingBytes);
    tileSpectra(
      op,
      src.engine,
      T,
      si.window.binding,
      { ...imageTiles(si, tiles, S, forward ? padding : k - 1 - padding, T), ...sl },
      ss.binding(op),
      r.transforms,
    );
    spectralMatmul(
      op,
      src.engine,
      {
        bins: spectrumBins(T),
        m: dstC,
        n: P,
        k: srcC,
        mb,
        nb,
        shared,
        aBin,
        aRow,
        bBin: sl.fStride,
        bRow: sl.ld,
        cBin: dl.fStride,
        cRow: dl.ld,
        conjugateA: forward,
        transposeA: kept !== null,
        accumulate: false,
        kernel: r.mix,
      },
      ws.binding(op),
      ss.binding(op),
      ds.binding(op),
    );
    withSource?.(ss, sl, n0, count);
    ss.dispose();
    const flags = (b ? TILE_FLAG.bias : 0) | (r.relu ? TILE_FLAG.relu : 0);
    tilesFromSpectra(
      op,
      src.engine,
      T,
      ds.binding(op),
      { ...imageTiles(di, tiles, S, forward ? 0 : k - 1, S), ...dl, flags },
      di.window.binding,
      b?.binding(op) ?? null,
      r.transforms,
    );
    ds.dispose();
  }
  if (kernel === 'keep') return { spectra: ws, tile: T, fStride: wl!.fStride, ld: wl!.ld };
  if (!kept) ws.dispose();
  return null;
}

/** A second use of a sub-batch's source spectra (laid out [channel][tile], rows padded to whole blocks), before they are freed. */
type SourceSpectraUse = (spectra: Tensor, l: SpectrumLayout, n0: number, count: number) => void;

/** y = conv(x, w) + b (stride 1), optionally ReLU, through T×T tile spectra; with `keepKernel`, w's spectra are returned for dX (the caller disposes them). */
export function fftConvForward(x: Tensor, w: Tensor, b: Tensor | null, padding: number, y: Tensor, r: FftRun, keepKernel = false): KernelSpectra | null {
  return mixThroughSpectra('conv2d', x, w, b, y, padding, 'forward', r, keepKernel ? 'keep' : null);
}

/** dX of a stride-1 convolution through tile spectra: dY convolved (not correlated) with w, summed over output channels; `kept`: the forward's spectra of w, used where they fit. */
export function fftConvInputGrad(dy: Tensor, w: Tensor, padding: number, dx: Tensor, r: FftRun, kept: KernelSpectra | null = null): void {
  mixThroughSpectra('conv2dInputGrad', dy, w, null, dx, padding, 'dX', { ...r, relu: false }, kept);
}

/** Spectra in a layout. */
interface LaidOut {
  spectra: Tensor;
  l: SpectrumLayout;
}

/**
 * dW's spectra DW[f][co][ci], summed over sub-batches by `add` (Σ_p conj(DY[f][p][co]) · X[f][p][ci],
 * DY laid out [p][co] or, `dyTransposed`, [co][p]), then transformed back into dw by `finish`.
 */
function weightGradSpectra(op: string, dw: Tensor, T: FftSize, tiles: number, r: FftRun) {
  const [cout, cin, k] = dw.shape as [number, number, number];
  const blocks = matmulBlocks(cout, cin, r.mix, spectrumBins(T) * tiles);
  const l = spectrumLayout(roundTo(cout, blocks.mb), roundTo(cin, blocks.nb), true);
  const sum = spectra(op, dw.engine, T, l, 'dW', r.maxBindingBytes);
  let added = 0;
  return {
    blocks,
    add(P: number, dy: LaidOut, dyTransposed: boolean, x: LaidOut): void {
      spectralMatmul(
        op,
        dw.engine,
        {
          bins: spectrumBins(T),
          m: cout,
          n: cin,
          k: P,
          ...blocks,
          aBin: dy.l.fStride,
          aRow: dy.l.ld,
          bBin: x.l.fStride,
          bRow: x.l.ld,
          cBin: l.fStride,
          cRow: l.ld,
          conjugateA: true,
          transposeA: dyTransposed,
          accumulate: added++ > 0,
          kernel: r.mix,
        },
        dy.spectra.binding(op),
        x.spectra.binding(op),
        sum.binding(op),
      );
    },
    // Four passes even where the rest fuses: a k×k crop leaves the fused form little to save, and one lane reading all
    // 514 bins of 9×9 128→128's 67 MB dW spectrum at T = 32 ran 1.3–1.7× slower (at T = 16, 130 bins: level).
    finish(): void {
      tilesFromSpectra(op, dw.engine, T, sum.binding(op), kernelPlanes(cout, cin, k, l), dw.binding(op), null, 'two-pass');
      sum.dispose();
    },
  };
}

/** dW of a stride-1 convolution through tile spectra, summed over the batch in the frequency domain. */
export function fftConvWeightGrad(x: Tensor, dy: Tensor, padding: number, dw: Tensor, r: FftRun): void {
  const op = 'conv2dWeightGrad';
  const [n, cin, h, wd] = x.shape as [number, number, number, number];
  const [cout, , k] = dw.shape as [number, number, number];
  const [, , ho, wo] = dy.shape as [number, number, number, number];
  const s: FftConvShape = { n, cin, h, w: wd, cout, k, padding };
  const T = r.tile;
  checkShape(op, s, T, r.maxBindingBytes);
  const S = tileStep(T, k);
  const { tiles, perImage } = sizes(s, T, 'dW');
  const sum = weightGradSpectra(op, dw, T, n * tiles[0] * tiles[1], r);
  for (const [n0, count] of subBatches(op, n, [cin * h * wd, cout * ho * wo, ...perImage], r.maxBindingBytes)) {
    const xi = images(op, x, n0, count);
    const dyi = images(op, dy, n0, count);
    const P = count * tiles[0] * tiles[1];
    // Both tile-major, [f][p][channel]: the product sums over p.
    const dyl = spectrumLayout(P, roundTo(cout, sum.blocks.mb), false);
    const xl = spectrumLayout(P, roundTo(cin, sum.blocks.nb), false);
    const dys = spectra(op, x.engine, T, dyl, 'dY', r.maxBindingBytes);
    const xs = spectra(op, x.engine, T, xl, 'input', r.maxBindingBytes);
    tileSpectra(op, x.engine, T, dyi.window.binding, { ...imageTiles(dyi, tiles, S, 0, S), ...dyl }, dys.binding(op), r.transforms);
    tileSpectra(op, x.engine, T, xi.window.binding, { ...imageTiles(xi, tiles, S, padding, T), ...xl }, xs.binding(op), r.transforms);
    sum.add(P, { spectra: dys, l: dyl }, false, { spectra: xs, l: xl });
    dys.dispose();
    xs.dispose();
  }
  sum.finish();
}

/**
 * dX and dW of one layer from one set of dY spectra: dX's tiles of dY (T taps from −(k−1−pad)), which
 * dW's product reads transposed, [co][p]. dW then correlates them with tiles of S inputs that
 * partition dX's grid, placed at the end of their T×T tiles (taps k − 1 … T − 1): with dW[u] =
 * Σ_y dy[y]·x[y + u − pad], tile p's part is the circular correlation Σ_i dy_p[i]·x_p[i + u], whose
 * wrapped terms (i + u ≥ T) land on the zeros before tap k − 1. It saves dW both its own transforms
 * of dY and of T-tap input tiles. Where the tiles and mixing suit (conv2d.ts); `kept`: as for dX.
 */
export function fftConvGrads(dy: Tensor, x: Tensor, w: Tensor, padding: number, dx: Tensor, dw: Tensor, r: FftRun, kept: KernelSpectra | null): void {
  const op = 'conv2dWeightGrad';
  const [n, cin, h, wd] = x.shape as [number, number, number, number];
  const [cout, , k] = w.shape as [number, number, number];
  const s: FftConvShape = { n, cin, h, w: wd, cout, k, padding };
  const T = r.tile;
  checkShape(op, s, T, r.maxBindingBytes);
  const S = tileStep(T, k);
  const { tiles } = sizes(s, T, 'dX');
  const sum = weightGradSpectra(op, dw, T, n * tiles[0] * tiles[1], r);
  const withDySpectra: SourceSpectraUse = (dys, dyl, n0, count) => {
    const xi = images(op, x, n0, count);
    const P = count * tiles[0] * tiles[1];
    const xl = spectrumLayout(P, roundTo(cin, sum.blocks.nb), false);
    const xs = spectra(op, x.engine, T, xl, 'input', r.maxBindingBytes);
    tileSpectra(op, x.engine, T, xi.window.binding, { ...imageTiles(xi, tiles, S, k - 1, S), first: k - 1, ...xl }, xs.binding(op), r.transforms);
    sum.add(P, { spectra: dys, l: dyl }, true, { spectra: xs, l: xl });
    xs.dispose();
  };
  mixThroughSpectra('conv2dInputGrad', dy, w, null, dx, padding, 'dX', { ...r, relu: false }, kept, withDySpectra);
  sum.finish();
}

/** Multiply-adds of one call's channel mixing (complex, 4 real each) and its transforms, for the cost model. */
export function fftWork(s: FftConvShape, T: number, kind: 'forward' | 'dX' | 'dW'): { macs: number; fftFlops: number; bytes: number } {
  const [ty, tx] = tilesPerImage(s, T, kind);
  const P = s.n * ty * tx;
  const bins = spectrumBins(T);
  const macs = 4 * bins * s.cin * s.cout * P;
  // Two radix-2 passes of T·log2 T butterflies per plane (10 flops each, half of them for real input).
  const perPlane = 2 * (T / 2 + 1) * T * Math.log2(T) * 5;
  const planes = s.cout * s.cin + (s.cin + s.cout) * P;
  const bytes = 8 * bins * (4 * s.cout * s.cin + 3 * (s.cin + s.cout) * P);
  return { macs, fftFlops: perPlane * planes, bytes };
}
