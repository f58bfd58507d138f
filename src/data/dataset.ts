// What a dataset is to the loader: a fixed-length list of annotated images that can be loaded by
// index, plus a plain-data spec from which a worker thread can reopen the very same dataset.
import type { SkippedSample } from './errors.js';
import type { DatasetFormat } from './formats/record.js';
import type { RawSample } from './types.js';

/** Which part of a dataset: LSP train 1–1000 / test 1001–2000; LSPet train 1–2500 / val 2501–3000; MPII by file. */
export type Split = 'train' | 'val' | 'test' | 'all';

export interface GeneratedSpec {
  kind: 'generated';
  seed: number;
  count: number;
  imageSize: number;
  split: Split;
}

export interface FolderSpec {
  kind: 'folder';
  /** Folder (or annotation file) path as given. */
  path: string;
  format?: DatasetFormat;
  split: Split;
  /** 1-based inclusive record numbers; overrides split. */
  range?: [number, number];
  skipBad: boolean;
  /** Prefer this annotation file kind when both exist. */
  annotations?: 'json' | 'mat';
}

export type DatasetSpec = GeneratedSpec | FolderSpec;

export interface PoseDataset {
  readonly name: string;
  readonly length: number;
  readonly spec: DatasetSpec;
  /** Records left out when the dataset was opened (skipBad, or marked unavailable). */
  readonly skipped: readonly SkippedSample[];
  /** A human-readable name for record i (its image file). */
  id(i: number): string;
  /** Decode record i. Throws DataError (naming the file) on bad input. */
  load(i: number): Promise<RawSample>;
}
