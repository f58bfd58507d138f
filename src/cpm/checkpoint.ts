// Checkpoints: safetensors with §12 parameter names, optimizer state as "optim.<state name>", and
// metadata holding the configuration, step and trainer state, so a checkpoint alone rebuilds the
// network and a resumed run continues exactly. Pure bytes here; checkpoint-file.ts writes files.
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from '../io/safetensors.js';
import type { Optimizer } from '../optim/optimizer.js';
import { validateConfig, type CpmConfig } from './config.js';
import type { CpmModel } from './model.js';

export const OPTIM_PREFIX = 'optim.';

export interface CheckpointInfo {
  step: number;
  /** Anything the trainer needs to resume (seed, strategy, batch size). */
  trainer?: Record<string, unknown>;
}

export interface LoadedCheckpoint {
  config: CpmConfig;
  params: Map<string, SafeTensor>;
  optimizerState: Map<string, Float32Array>;
  step: number;
  trainer: Record<string, unknown>;
}

/** Throws, naming the tensor, the index and the value, at the first NaN or ±Infinity. */
export function assertFinite(tensors: ReadonlyMap<string, { data: Float32Array }>, where: string): void {
  for (const [name, t] of tensors) {
    const i = t.data.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) throw new Error(`${where}: tensor "${name}" is not finite (element ${i} is ${t.data[i]})`);
  }
}

/** Refuses non-finite values, so a diverged run never replaces a good checkpoint. */
export async function encodeCheckpoint(model: CpmModel, optimizer: Optimizer | null, info: CheckpointInfo): Promise<Uint8Array> {
  const tensors = new Map<string, SafeTensor>(await model.read());
  if (optimizer) for (const [name, t] of optimizer.state()) tensors.set(OPTIM_PREFIX + name, { shape: [...t.shape], data: await t.read() });
  assertFinite(tensors, `checkpoint at step ${info.step} not written`);
  return encodeSafetensors(tensors, {
    format: 'cpm-webgpu checkpoint v1',
    config: JSON.stringify(model.config),
    step: String(info.step),
    optimizer: optimizer?.constructor.name ?? 'none',
    trainer: JSON.stringify(info.trainer ?? {}),
  });
}

/** Parses a checkpoint; `source` (file name or URL) names it in errors. */
export function parseCheckpoint(bytes: Uint8Array, source: string): LoadedCheckpoint {
  const file = decodeSafetensors(bytes, source);
  const raw = file.metadata.config;
  if (!raw) throw new Error(`${source}: no "config" in the safetensors metadata; not a CPM checkpoint`);
  let config: CpmConfig;
  try {
    config = validateConfig(JSON.parse(raw) as CpmConfig);
  } catch (e) {
    throw new Error(`${source}: bad configuration in metadata: ${(e as Error).message}`);
  }
  const params = new Map<string, SafeTensor>();
  const optimizerState = new Map<string, Float32Array>();
  for (const [name, t] of file.tensors) {
    if (t.dtype !== 'F32') throw new Error(`${source}: tensor "${name}" is ${t.dtype}; checkpoint tensors must be F32`);
    if (name.startsWith(OPTIM_PREFIX)) optimizerState.set(name.slice(OPTIM_PREFIX.length), t.data);
    else params.set(name, t);
  }
  assertFinite(file.tensors, source);
  return { config, params, optimizerState, step: Number(file.metadata.step ?? 0), trainer: JSON.parse(file.metadata.trainer ?? '{}') as Record<string, unknown> };
}
