// Which algorithm runs a convolution when nothing was tuned: direct, or FFT with some tile size.
// The autotuner measures instead (an FFT tile size is one more variant to time); this cost model
// only has to be right where the answer is clear: large kernels favour the frequency domain, 1×1 and
// 3×3 the direct kernels. Rates are per kind of adapter, measured (see the bench).
import type { Engine } from '../../tensor/engine.js';
import { isSoftwareAdapter } from '../../tensor/device.js';
import { FFT_SIZES, type FftSize } from '../fft/fft.js';
import { fftApplicable, fftWork, type FftConvShape } from './fft-algorithm.js';
import type { Conv2dVariantName } from './tiles.js';
import type { ConvCase } from './tuning.js';

export type Conv2dAlgorithm = 'direct' | 'fft';
/** An FFT tile size, and with the suffix `w` the workgroup-tiled channel mixing (spectral-matmul.wgsl.ts, for GPUs). */
export type FftVariantName = `fft${FftSize}` | `fft${FftSize}w`;
/** A direct kernel variant or an FFT tile size: what the autotuner chooses among. */
export type Conv2dKernelName = Conv2dVariantName | FftVariantName;

export const FFT_VARIANTS: FftVariantName[] = [...FFT_SIZES.map((T) => `fft${T}` as const), ...FFT_SIZES.map((T) => `fft${T}w` as const)];

const policies = new WeakMap<Engine, Conv2dAlgorithm>();

/** Makes every conv2d call on `engine` that names no algorithm or variant use `algorithm` (undefined: choose per shape again). */
export function setConv2dAlgorithm(engine: Engine, algorithm: Conv2dAlgorithm | undefined): void {
  if (algorithm === undefined) policies.delete(engine);
  else policies.set(engine, algorithm);
}

export function conv2dAlgorithmPolicy(engine: Engine): Conv2dAlgorithm | undefined {
  return policies.get(engine);
}

export const fftTileOf = (name: FftVariantName): FftSize => Number.parseInt(name.slice(3), 10) as FftSize;

/** Whether an FFT variant mixes channels with the workgroup-tiled kernel. */
export const fftTiledMix = (name: FftVariantName): boolean => name.endsWith('w');

function fftShape(c: ConvCase): FftConvShape {
  return { n: c.n, cin: c.cin, h: c.h, w: c.w, cout: c.cout, k: c.kh, padding: c.padding };
}

/** The FFT tile sizes that can run `c` (stride 1, square kernels, kernel spectra inside one binding), each with both mixing kernels. */
export function fftVariantNames(c: ConvCase, maxBindingBytes: number): FftVariantName[] {
  if (c.stride !== 1 || c.kh !== c.kw) return [];
  const sizes = FFT_SIZES.filter((T) => fftApplicable(fftShape(c), T, maxBindingBytes));
  return [...sizes.map((T) => `fft${T}` as const), ...sizes.map((T) => `fft${T}w` as const)];
}

/** Throughputs an adapter reaches, GFLOP/s and GB/s. */
interface Rates {
  direct: number;
  mix: number;
  /** The workgroup-tiled spectral product. */
  mixTiled: number;
  fft: number;
  bandwidth: number;
}

/** Measured on lavapipe (2 cores, 11×11 128→128 @46): direct kernels 9–15 GFLOP/s, the spectral product ~9 (the workgroup-tiled one 3–4× slower: barriers), the transforms ~7 before pruning. */
const CPU_RATES: Rates = { direct: 12, mix: 10, mixTiled: 3, fft: 6, bandwidth: 4 };
/** A discrete GPU: assumed, until a GPU run measures it. */
const GPU_RATES: Rates = { direct: 2000, mix: 4000, mixTiled: 8000, fft: 500, bandwidth: 500 };

/** Software adapters (lavapipe, SwiftShader): the register-tile kernels' home; GPUs get the workgroup-memory ones by default. */
export function isCpuAdapter(engine: Engine): boolean {
  return isSoftwareAdapter(engine.info.adapter);
}

function rates(engine: Engine): Rates {
  return isCpuAdapter(engine) ? CPU_RATES : GPU_RATES;
}

/** Estimated milliseconds of each choice. */
export function estimateMs(engine: Engine, c: ConvCase, name: Conv2dKernelName): number {
  const r = rates(engine);
  const ho = c.h + 2 * c.padding - c.kh + 1;
  const wo = c.w + 2 * c.padding - c.kw + 1;
  if (!name.startsWith('fft')) return (2 * c.n * Math.ceil(ho / c.stride) * Math.ceil(wo / c.stride) * c.cin * c.cout * c.kh * c.kw) / r.direct / 1e6;
  const w = fftWork(fftShape(c), fftTileOf(name as FftVariantName), c.kind);
  return (2 * w.macs) / (fftTiledMix(name as FftVariantName) ? r.mixTiled : r.mix) / 1e6 + w.fftFlops / r.fft / 1e6 + w.bytes / r.bandwidth / 1e6;
}

/**
 * Where the model is least sure, measurements decide: on lavapipe (batch 16) 5×5 kernels with 16–32 channels ran
 * 1.0–1.5× slower through the FFT (the transforms of many small planes dominate), 5×5 128→32 1.3× faster and
 * 7×7 ones 1.2–1.9× faster; with 3 input channels the product is trivial and the transforms of the output planes
 * cost as much as the direct kernels (9×9 3→128 @184: fft32 90 + 55 ms forward + dW against 75 + 59 direct).
 */
const fftWorthTrying = (c: ConvCase): boolean => Math.min(c.cin, c.cout) >= 8 && (c.kh >= 7 || (c.kh >= 5 && Math.max(c.cin, c.cout) >= 64));

/** The cheapest of the direct default and the FFT tiles by the cost model (`fftOnly`: the cheapest FFT tile). */
export function chooseAlgorithm(engine: Engine, c: ConvCase, ffts: FftVariantName[], direct: Conv2dVariantName, fftOnly: boolean): Conv2dKernelName {
  const options: Conv2dKernelName[] = fftOnly ? ffts : fftWorthTrying(c) ? [direct, ...ffts] : [direct];
  if (options.length === 0) return direct;
  return options.reduce((best, v) => (estimateMs(engine, c, v) < estimateMs(engine, c, best) ? v : best));
}
