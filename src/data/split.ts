// Standard splits as 1-based inclusive ranges of annotation entries.
import type { Split } from './dataset.js';
import { DataError } from './errors.js';
import type { DatasetFormat } from './formats/record.js';

/**
 * LSP: train 1–1000, test 1001–2000 (the benchmark protocol).
 * LSPet: train 1–2500, val 2501–3000 (this project's convention; LSPet has no official split and
 * only images 1–3000 are in ../shared/data/lspet). MPII splits by annotation file instead.
 */
const RANGES: Record<'lsp' | 'lspet', Partial<Record<Split, [number, number]>>> = {
  lsp: { train: [1, 1000], test: [1001, 2000] },
  lspet: { train: [1, 2500], val: [2501, 3000] },
};

export function splitRange(format: DatasetFormat, split: Split): [number, number] | null {
  if (split === 'all' || format === 'mpii') return null;
  const r = RANGES[format][split];
  if (!r) throw new DataError('split', `${format} has no "${split}" split (has: ${Object.keys(RANGES[format]).join(', ')}, all)`);
  return r;
}

/** MPII annotation file names per split, as in the common PyTorch layout (annot/train.json …). */
export const MPII_FILES: Record<Split, string[]> = {
  train: ['train.json'],
  val: ['valid.json', 'val.json'],
  test: ['test.json'],
  all: ['trainval.json', 'train.json'],
};
