// The per-engine table of which conv2d kernel variant runs each shape, filled by the autotuner
// (autotune.ts). While autotuning is on, a shape with no choice yet runs the default variant and is
// remembered as pending, so `tuneConv2d` can measure it between steps (measuring needs awaits that a
// recording op cannot do). Choices persist through a store: a file in Node, anything in browsers.
import type { Engine } from '../../tensor/engine.js';

export type ConvKind = 'forward' | 'dX' | 'dW';

/** The shape a choice is made for (bias and fused ReLU do not change the kernels' speed). */
export interface ConvCase {
  kind: ConvKind;
  n: number;
  cin: number;
  h: number;
  w: number;
  cout: number;
  kh: number;
  kw: number;
  stride: number;
  padding: number;
}

/** Where choices are kept between runs: variant name by case key, per adapter. */
export interface TuningStore {
  load(adapter: string): Record<string, string>;
  save(adapter: string, choices: Record<string, string>): void;
}

export interface Tuning {
  /** Variant name by case key (names from the store are checked against the available variants when used). */
  choices: Map<string, string>;
  pending: Map<string, ConvCase>;
  store: TuningStore | null;
}

const tunings = new WeakMap<Engine, Tuning>();

export function caseKey(c: ConvCase): string {
  return `${c.kind} n${c.n} ${c.cin}x${c.h}x${c.w}->${c.cout} k${c.kh}x${c.kw} s${c.stride} p${c.padding}`;
}

/** An engine's adapter, as tuning results are keyed. */
export function adapterKey(engine: Engine): string {
  return engine.info.adapter.description || `${engine.info.adapter.vendor} ${engine.info.adapter.architecture} ${engine.info.adapter.device}`;
}

/** Turns autotuning on for `engine`, with earlier choices from `store` (if any). */
export function enableConv2dAutotune(engine: Engine, opts: { store?: TuningStore } = {}): void {
  const store = opts.store ?? null;
  const choices = new Map(Object.entries(store?.load(adapterKey(engine)) ?? {}));
  tunings.set(engine, { choices, pending: new Map(), store });
}

export function disableConv2dAutotune(engine: Engine): void {
  tunings.delete(engine);
}

export function conv2dTuning(engine: Engine): Tuning | undefined {
  return tunings.get(engine);
}

/** The tuned variant for a case if one is known and runs here; otherwise marks the case pending (when tuning is on). */
export function tunedVariantName(engine: Engine, c: ConvCase, available: readonly string[]): string | undefined {
  const t = tunings.get(engine);
  if (!t) return undefined;
  const key = caseKey(c);
  const name = t.choices.get(key);
  if (name !== undefined && available.includes(name)) return name;
  t.pending.set(key, c);
  return undefined;
}
