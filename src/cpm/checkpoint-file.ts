// Checkpoint files (Node): written atomically, so a kill at any moment leaves the previous one intact.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/files.js';
import type { Optimizer } from '../optim/optimizer.js';
import { encodeCheckpoint, parseCheckpoint, type CheckpointInfo, type LoadedCheckpoint, type ParseCheckpointOptions } from './checkpoint.js';
import type { CpmModel } from './model.js';

export async function saveCheckpoint(path: string, model: CpmModel, optimizer: Optimizer | null, info: CheckpointInfo): Promise<void> {
  writeFileAtomic(path, await encodeCheckpoint(model, optimizer, info));
}

export function loadCheckpoint(path: string, opts: ParseCheckpointOptions = {}): LoadedCheckpoint {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`${path}: cannot read checkpoint (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseCheckpoint(bytes, path, opts);
}
