// The trainer's entry point: a dataset from a command-line style spec.
import type { DatasetSpec, PoseDataset, Split } from '../dataset.js';
import { DataError } from '../errors.js';
import type { DatasetFormat } from '../formats/record.js';
import { generatedSpec, openGeneratedDataset } from '../generated/dataset.js';
import { openFolderDataset } from './folder.js';

export interface OpenDatasetOptions {
  split?: Split;
  /** 1-based inclusive entry numbers, e.g. [2501, 3000]; overrides split. */
  range?: [number, number];
  /** Leave out bad records (reported in dataset.skipped and by the loader) instead of failing. */
  skipBad?: boolean;
  /** Require this format instead of autodetecting. */
  format?: DatasetFormat;
  annotations?: 'json' | 'mat';
  /** Generated data: seed, number of samples, image side. */
  seed?: number;
  count?: number;
  imageSize?: number;
}

/**
 * `undefined` or 'generated' → the built-in generated people; anything else is a folder (or an
 * annotation file) holding LSP, LSPet or MPII, recognised from its files.
 */
export function openDataset(spec: string | undefined, opts: OpenDatasetOptions = {}): PoseDataset {
  if (spec === undefined || spec === '' || spec === 'generated') {
    if (opts.range) throw new DataError('range', 'not supported for generated data (use count and split)');
    return openGeneratedDataset(generatedSpec({ seed: opts.seed, count: opts.count, imageSize: opts.imageSize, split: opts.split }));
  }
  return openFolderDataset({
    kind: 'folder',
    path: spec,
    format: opts.format,
    split: opts.split ?? 'all',
    range: opts.range,
    skipBad: opts.skipBad ?? false,
    annotations: opts.annotations,
  });
}

/** Reopen a dataset from its spec (what worker threads do). */
export function openDatasetFromSpec(spec: DatasetSpec): PoseDataset {
  return spec.kind === 'generated' ? openGeneratedDataset(spec) : openFolderDataset(spec);
}
