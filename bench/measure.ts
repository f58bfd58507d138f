// Timing helpers: median and spread of wall time after warm-up, and GPU time from timestamp queries.
import type { Engine } from '../src/index.node.js';

export interface Timing {
  /** Median wall milliseconds (record + submit + GPU + sync). */
  wallMs: number;
  minMs: number;
  maxMs: number;
  /** GPU milliseconds from timestamp queries (median), or null without the feature. */
  gpuMs: number | null;
  /** Wall milliseconds of the warm-up call (pipelines compiled there). */
  firstMs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Runs `work` once to warm up (compiles pipelines), then `reps` times. */
export async function measure(engine: Engine, work: () => void, reps: number): Promise<Timing> {
  const t0 = performance.now();
  engine.tidy(work);
  await engine.sync();
  const firstMs = performance.now() - t0;
  const wall: number[] = [];
  const gpu: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = await engine.timeCall(work);
    wall.push(t.wallMs);
    if (t.gpuMs !== null) gpu.push(t.gpuMs);
  }
  return { wallMs: median(wall), minMs: Math.min(...wall), maxMs: Math.max(...wall), gpuMs: gpu.length ? median(gpu) : null, firstMs };
}

/** Repetitions that keep a case to roughly `budgetMs` given one timing. */
export function repsFor(ms: number, budgetMs: number, min = 3, max = 20): number {
  return Math.max(min, Math.min(max, Math.floor(budgetMs / Math.max(ms, 0.01))));
}
