// PyTorch on this machine's CPU, driven as a child process (bench/torch_bench.py), so the bench's
// ratios to PyTorch come from the machine at hand.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LayerSpec } from '../src/cpm/config.js';

export interface TorchRequest {
  reps: number;
  convs: { n: number; cin: number; cout: number; size: number; k: number }[];
  nets: { batch: number; inputSize: number; joints: number; stages: number; layers: LayerSpec[] }[];
}

export interface TorchResult {
  torch: string;
  threads: number;
  /** Median ms per conv of the request. */
  convs: { forward: number; dX: number; dW: number }[];
  nets: { trainMs: number; inferMs: number }[];
}

const SCRIPT = fileURLToPath(new URL('./torch_bench.py', import.meta.url));

/** A Python that imports torch: the PATH's python3, else Debian's (where python3-torch installs). */
export function torchPython(): string | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
      return python;
    } catch {
      /* next */
    }
  }
  return null;
}

export function runTorch(python: string, req: TorchRequest): TorchResult {
  const out = execFileSync(python, [SCRIPT], { input: JSON.stringify(req), maxBuffer: 16 << 20, stdio: ['pipe', 'pipe', 'inherit'] });
  return JSON.parse(out.toString()) as TorchResult;
}
