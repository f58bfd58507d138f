// Checkpoints (docs/formats.md#checkpoints): safetensors with our parameter names (docs/network.md#names), optimizer state as "optim.<state name>", and
// metadata holding the configuration, step and trainer state, so a checkpoint alone rebuilds the
// network and a resumed run continues exactly. A file without our metadata (another framework's
// state dict) gets its configuration from the parameter shapes. Pure bytes here; checkpoint-file.ts
// writes files.
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from '../io/safetensors.js';
import type { Optimizer } from '../optim/optimizer.js';
import { validateConfig, type CpmConfig } from './config.js';
import { configFromShapes } from './shapes.js';
import type { CpmModel } from './model.js';

export const OPTIM_PREFIX = 'optim.';
/** The `format` metadata value that marks our own checkpoints (their `config` is then required and checked). */
export const CHECKPOINT_FORMAT = 'cpm-webgpu checkpoint v1';

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

/** The metadata of a checkpoint of `config` (also written by converters that have no model on a GPU). */
export function checkpointMetadata(config: CpmConfig, optimizer: Optimizer | null, info: CheckpointInfo & { source?: string }): Record<string, string> {
  return {
    format: CHECKPOINT_FORMAT,
    config: JSON.stringify(config),
    step: String(info.step),
    optimizer: optimizer?.constructor.name ?? 'none',
    trainer: JSON.stringify(info.trainer ?? {}),
    ...(info.source ? { source: info.source } : {}),
  };
}

export async function encodeCheckpoint(model: CpmModel, optimizer: Optimizer | null, info: CheckpointInfo): Promise<Uint8Array> {
  const tensors = new Map<string, SafeTensor>(await model.read());
  if (optimizer) for (const [name, t] of optimizer.state()) tensors.set(OPTIM_PREFIX + name, { shape: [...t.shape], data: await t.read() });
  assertFinite(tensors, `checkpoint at step ${info.step} not written`); // a diverged run never replaces a good checkpoint
  return encodeSafetensors(tensors, checkpointMetadata(model.config, optimizer, info));
}

export interface ParseCheckpointOptions {
  /** Input size for a file whose configuration comes from its shapes (default: a matching named configuration's, else 368). */
  inputSize?: number;
}

/** Parses a checkpoint; `source` (file name or URL) names it in errors. */
export function parseCheckpoint(bytes: Uint8Array, source: string, opts: ParseCheckpointOptions = {}): LoadedCheckpoint {
  const file = decodeSafetensors(bytes, source);
  const params = new Map<string, SafeTensor>();
  const optimizerState = new Map<string, Float32Array>();
  for (const [name, t] of file.tensors) {
    if (t.dtype !== 'F32') throw new Error(`${source}: tensor "${name}" is ${t.dtype}; checkpoint tensors must be F32`);
    if (name.startsWith(OPTIM_PREFIX)) optimizerState.set(name.slice(OPTIM_PREFIX.length), t.data);
    else params.set(name, t);
  }
  const ours = file.metadata.format === CHECKPOINT_FORMAT;
  let config: CpmConfig;
  if (!ours) {
    config = configFromShapes(new Map([...params].map(([n, t]) => [n, t.shape])), `${source} (no cpm-webgpu metadata; configuration from the shapes)`, opts);
  } else {
    try {
      config = validateConfig({ ...(JSON.parse(file.metadata.config ?? 'null') as CpmConfig), ...(opts.inputSize ? { inputSize: opts.inputSize } : {}) });
    } catch (e) {
      throw new Error(`${source}: bad configuration in metadata: ${(e as Error).message}`);
    }
  }
  assertFinite(file.tensors, source);
  return {
    config,
    params,
    optimizerState,
    step: ours ? Number(file.metadata.step ?? 0) : 0,
    trainer: ours ? (JSON.parse(file.metadata.trainer ?? '{}') as Record<string, unknown>) : {},
  };
}
