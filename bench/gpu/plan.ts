// What the GPU kit measures, in the order it runs: the quick form is `npm run bench -- --quick`'s
// cases; the full form is CPM's conv layers at batch 1 and 16 (autotuned over every variant), the
// `paper` training step and inference at batch 1 and 16, and the memory-bound ops, with the cases
// the closing note reports first so that a run stopped by its time budget still has them.
import type { Engine } from '../../src/index.node.js';
import { convRows, endToEndRows } from '../run.js';
import { FULL_CONV_CASES, FULL_MEMORY_CASES, QUICK_CONV_CASES, QUICK_MEMORY_CASES, type ConvBenchCase, type MemoryBenchCase } from '../cases.js';
import { memoryRow } from '../memory-ops.js';
import type { BenchOptions, BenchRow } from '../row.js';

export interface PlanItem {
  /** The case's name (a conv or memory case of bench/cases.ts, or `CONFIG training step and inference, batch N`). */
  name: string;
  run: (engine: Engine) => Promise<BenchRow[]>;
}

/** Batch sizes of the full form's conv cases and end-to-end steps. */
export const KIT_BATCHES = [1, 16] as const;

/** The full form's conv cases: every batch-1 case of the full bench, at each of KIT_BATCHES. */
export function kitConvCases(): ConvBenchCase[] {
  return FULL_CONV_CASES.filter((c) => c.n === 1).flatMap((c) =>
    KIT_BATCHES.map((n) => (n === 1 ? c : { ...c, n, name: `${c.name}, batch ${n}`, tfjsMeasured: undefined })),
  );
}

/** The cases whose share of FP32 peak the GPU figures quote: run before everything else. */
const FIRST = ['stage≥2 mconv2 11×11 128→128 @46, batch 16', 'conv2 9×9 128→128 @184'];

export function kitPlan(o: { quick: boolean }): PlanItem[] {
  const opts: BenchOptions = o.quick ? { quick: true } : { autotune: true, budgetMs: 1500 };
  const conv = (c: ConvBenchCase): PlanItem => ({ name: c.name, run: (e) => convRows(e, c, opts) });
  const memory = (c: MemoryBenchCase): PlanItem => ({ name: c.name, run: async (e) => [await memoryRow(e, c, opts)] });
  const endToEnd = (config: string, batch: number): PlanItem => ({
    name: `${config} training step and inference, batch ${batch}`,
    run: (e) => endToEndRows(e, [config], batch, opts),
  });
  if (o.quick) return [...QUICK_CONV_CASES.map(conv), ...QUICK_MEMORY_CASES.map(memory), endToEnd('tiny', 2)];
  const convs = kitConvCases();
  return [
    ...convs.filter((c) => FIRST.includes(c.name)).map(conv),
    ...KIT_BATCHES.map((n) => endToEnd('paper', n)),
    ...convs.filter((c) => !FIRST.includes(c.name)).map(conv),
    ...FULL_MEMORY_CASES.map(memory),
  ];
}
