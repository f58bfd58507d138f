// Splitting a batch so that no storage binding exceeds the device's limit (lavapipe: 128 MiB; one
// CPM conv1 output at 368² is 69 MiB per image). Sub-batches are bound at 256-byte aligned offsets.
import { EngineError } from './errors.js';

/** [first image, count] sub-batches in which every per-image slice size × count fits `limit`. */
export function batchChunks(op: string, n: number, perImageBytes: number[], limit: number): [number, number][] {
  const worst = Math.max(...perImageBytes);
  if (worst * n <= limit) return [[0, n]];
  if (worst > limit) throw new EngineError(op, `one image needs ${(worst / 2 ** 20).toFixed(1)} MiB in a single binding, over the ${(limit / 2 ** 20).toFixed(1)} MiB limit`);
  if (perImageBytes.some((b) => b % 256 !== 0)) throw new EngineError(op, `cannot split the batch: per-image sizes [${perImageBytes}] are not multiples of 256 bytes`);
  const per = Math.floor(limit / worst);
  const chunks: [number, number][] = [];
  for (let s = 0; s < n; s += per) chunks.push([s, Math.min(per, n - s)]);
  return chunks;
}
