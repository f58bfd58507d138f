// One line of the benchmark's table and the options every case family takes.

export interface BenchRow {
  name: string;
  kind: string;
  /** Convolutions and end-to-end rows: `direct` or `fft` (e2e: `direct` only, or `chosen` per layer). */
  algorithm?: string;
  /** The direct variant or FFT tile that ran (the autotuner's choice with --autotune, else the cost model's). */
  variant?: string;
  /** The convolution's shape (stride 1, 'same' padding), for the PyTorch column. */
  conv?: { n: number; cin: number; cout: number; size: number; k: number };
  /** End-to-end rows: the configuration and batch. */
  net?: { config: string; batch: number };
  /** End-to-end training rows: the first step's wall time (pipeline compilation included). */
  firstMs?: number;
  /** With --autotune: each variant's time when tuning (the chosen one is named in `kind`). */
  variants?: string;
  wallMs: number;
  spreadMs: [number, number];
  gpuMs: number | null;
  /** GFLOP/s for convolutions, GB/s for memory-bound ops, images/s end to end (from GPU time where measured). */
  rate: number;
  unit: 'GFLOP/s' | 'GB/s' | 'img/s';
  /** TF.js wall time until its work finished (see TfTiming). */
  tfjsMs?: number;
  /** TF.js kernel time from its own timestamp queries (tf.time), or null without them. */
  tfjsGpuMs?: number | null;
  /** TF.js's rate from the same time base as ours (GPU where both have it, else wall). */
  tfjsRate?: number;
  /** TF.js time ÷ ours on one base (GPU where both have timestamps, else wall): > 1 means ours is faster. */
  tfjsRatio?: number;
  /** Largest |ours − tfjs| relative to the largest |ours|. */
  tfjsMaxRelDiff?: number;
  /** PyTorch on this machine's CPU, same run, same unit. */
  torchRate?: number;
  /** Our rate ÷ PyTorch's: > 1 means ours is faster. */
  torchRatio?: number;
  /** End-to-end rows: GPU milliseconds per op in the last timed call, largest first (empty without timestamps). */
  gpuMsByOp?: Record<string, number>;
}

export interface BenchOptions {
  quick?: boolean;
  tfjs?: boolean;
  torch?: boolean;
  e2e?: boolean;
  paper?: boolean;
  /** Tune the conv kernel variant per case and kind first (the chosen one is named in the row). */
  autotune?: boolean;
  budgetMs?: number;
  /** Only cases whose name matches. */
  cases?: RegExp;
}

/** A stride-1 'same' convolution's shape, as rows carry it. */
export type ConvShape = NonNullable<BenchRow['conv']>;

/** Direct-equivalent FLOP of a convolution, 2·N·H·W·Cin·Cout·k², whatever algorithm runs it. */
export function convFlop(c: ConvShape): number {
  return 2 * c.n * c.size * c.size * c.cin * c.cout * c.k * c.k;
}

/** Work per millisecond in the row's unit: `amount` is FLOP or bytes; ms from GPU time when it exists. */
export function ratePerMs(amount: number, gpuMs: number | null, wallMs: number): number {
  return amount / (gpuMs ?? wallMs) / 1e6;
}

/** TF.js's columns for a row given its timing; rate and ratio compare like with like (GPU with GPU, else wall with wall). */
export function tfjsColumns(
  amount: number,
  ours: { gpuMs: number | null; wallMs: number },
  tf: { gpuMs: number | null; wallMs: number },
  maxRel: number,
): Partial<BenchRow> {
  const both = ours.gpuMs !== null && tf.gpuMs !== null;
  const [mine, theirs] = both ? [ours.gpuMs!, tf.gpuMs!] : [ours.wallMs, tf.wallMs];
  return { tfjsMs: tf.wallMs, tfjsGpuMs: tf.gpuMs, tfjsRate: amount / theirs / 1e6, tfjsRatio: theirs / mine, tfjsMaxRelDiff: maxRel };
}
