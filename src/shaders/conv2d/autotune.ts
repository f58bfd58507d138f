// The conv2d autotuner: for every shape run since autotuning was turned on and not yet tuned, time
// each candidate that can run it here (the direct kernel variants and the FFT tile sizes, after one
// untimed call that compiles it) and keep the fastest, in the engine's table and its store. Results
// are per adapter and shape; every candidate passes the same float64 and gradient tests.
import { randomNormal } from '../../tensor/tensor.js';
import type { Engine } from '../../tensor/engine.js';
import { conv2dCandidates, conv2dForward, conv2dInputGrad, conv2dOutputShape, conv2dWeightGrad, type Conv2dKernelName } from './conv2d.js';
import { adapterKey, caseKey, conv2dTuning, type ConvCase } from './tuning.js';

export interface TuneResult {
  key: string;
  case: ConvCase;
  /** Milliseconds per call of each candidate (GPU time where timestamps exist, else wall time). */
  ms: Partial<Record<Conv2dKernelName, number>>;
  chosen: Conv2dKernelName;
}

/** A candidate whose first timed call takes this many times the best median so far is not timed again (it cannot win). */
const HOPELESS = 2;

/**
 * Times one call of `run` (the median of `reps`; GPU time where timestamps exist, else wall time), in
 * milliseconds; just the first where it is HOPELESS × `best` or slower (e.g. the GPU kernels on lavapipe).
 */
async function medianMs(engine: Engine, run: () => void, reps: number, best: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = await engine.timeCall(run);
    times.push(t.gpuMs ?? t.wallMs);
    if (times[0]! >= HOPELESS * best) return times[0]!;
  }
  return times.sort((a, b) => a - b)[Math.floor(reps / 2)]!;
}

/** Measures `c` with each variant; the winner is kept by the caller. */
async function tuneCase(engine: Engine, c: ConvCase, variants: Conv2dKernelName[], reps: number): Promise<TuneResult> {
  const x = randomNormal(engine, [c.n, c.cin, c.h, c.w], { seed: 1 });
  const w = randomNormal(engine, [c.cout, c.cin, c.kh, c.kw], { seed: 2 });
  const dy = randomNormal(engine, conv2dOutputShape(x.shape, w.shape, c.stride, c.padding), { seed: 3 });
  const ms: TuneResult['ms'] = {};
  try {
    for (const variant of variants) {
      const o = { stride: c.stride, padding: c.padding, variant };
      const run = () =>
        void (c.kind === 'forward' ? conv2dForward(x, w, null, o) : c.kind === 'dX' ? conv2dInputGrad(dy, w, x.shape, o) : conv2dWeightGrad(x, dy, w.shape, o));
      engine.tidy(run); // compiles
      ms[variant] = await medianMs(engine, run, reps, Math.min(Infinity, ...Object.values(ms)));
    }
  } finally {
    for (const t of [x, w, dy]) t.dispose();
  }
  const chosen = variants.reduce((best, v) => (ms[v]! < ms[best]! ? v : best));
  return { key: caseKey(c), case: c, ms, chosen };
}

/**
 * Tunes every pending shape (see enableConv2dAutotune) and saves the choices to the store. Call it
 * between steps, outside tidy(). Returns what was measured (empty when nothing was pending).
 */
export async function tuneConv2d(engine: Engine, opts: { variants?: Conv2dKernelName[]; reps?: number } = {}): Promise<TuneResult[]> {
  const t = conv2dTuning(engine);
  if (!t || t.pending.size === 0) return [];
  const results: TuneResult[] = [];
  for (const [key, c] of [...t.pending]) {
    const candidates = conv2dCandidates(engine, c);
    const r = await tuneCase(engine, c, opts.variants?.filter((v) => candidates.includes(v)) ?? candidates, opts.reps ?? 3);
    t.choices.set(key, r.chosen);
    t.pending.delete(key);
    results.push(r);
  }
  t.store?.save(adapterKey(engine), Object.fromEntries(t.choices));
  return results;
}

/** Whether some shape waits to be tuned. */
export function conv2dTuningPending(engine: Engine): boolean {
  return (conv2dTuning(engine)?.pending.size ?? 0) > 0;
}
