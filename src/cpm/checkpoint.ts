// Checkpoints: safetensors with §12 parameter names, optimizer state as "optim.<state name>", and
// metadata holding the configuration, step, optimizer and RNG state, so a checkpoint alone rebuilds
// the network and a resumed run continues exactly. Written atomically.
import { readSafetensorsFile, writeSafetensorsFile } from '../io/files.js';
import type { SafeTensor } from '../io/safetensors.js';
import type { Optimizer } from '../optim/optimizer.js';
import { validateConfig, type CpmConfig } from './config.js';
import type { CpmModel } from './model.js';

export const OPTIM_PREFIX = 'optim.';

export interface CheckpointInfo {
  step: number;
  /** Anything the trainer needs to resume (RNG state, loader position, options). */
  trainer?: Record<string, unknown>;
}

export async function saveCheckpoint(path: string, model: CpmModel, optimizer: Optimizer | null, info: CheckpointInfo): Promise<void> {
  const tensors = new Map<string, SafeTensor>(await model.read());
  if (optimizer) for (const [name, t] of optimizer.stateDict()) tensors.set(OPTIM_PREFIX + name, { shape: [...t.shape], data: await t.read() });
  writeSafetensorsFile(path, tensors, {
    format: 'cpm-webgpu checkpoint v1',
    config: JSON.stringify(model.config),
    step: String(info.step),
    optimizer: optimizer?.constructor.name ?? 'none',
    trainer: JSON.stringify(info.trainer ?? {}),
  });
}

export interface LoadedCheckpoint {
  config: CpmConfig;
  params: Map<string, SafeTensor>;
  optimizerState: Map<string, Float32Array>;
  step: number;
  trainer: Record<string, unknown>;
}

export function loadCheckpoint(path: string): LoadedCheckpoint {
  const file = readSafetensorsFile(path);
  const raw = file.metadata.config;
  if (!raw) throw new Error(`${path}: no "config" in the safetensors metadata; not a CPM checkpoint`);
  let config: CpmConfig;
  try {
    config = validateConfig(JSON.parse(raw) as CpmConfig);
  } catch (e) {
    throw new Error(`${path}: bad configuration in metadata: ${(e as Error).message}`);
  }
  const params = new Map<string, SafeTensor>();
  const optimizerState = new Map<string, Float32Array>();
  for (const [name, t] of file.tensors) {
    if (name.startsWith(OPTIM_PREFIX)) optimizerState.set(name.slice(OPTIM_PREFIX.length), t.data);
    else params.set(name, t);
  }
  return { config, params, optimizerState, step: Number(file.metadata.step ?? 0), trainer: JSON.parse(file.metadata.trainer ?? '{}') as Record<string, unknown> };
}
