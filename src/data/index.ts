// Public API of the data module (Node). Browser code imports './browser.js' instead, which
// leaves out everything that needs fs, zlib or worker_threads.
//
// Conventions, each fixed in one place:
// - joint order: CPM order (head, neck, Rsho, Relb, Rwri, Lsho, Lelb, Lwri, Rhip, Rkne, Rank, Lhip,
//   Lkne, Lank), background channel 14; dataset orders are mapped in ../pose/joints.ts (CPM_FROM_LSP/MPII).
// - coordinates: 0-based pixels everywhere; MATLAB 1-based values become 0-based in annotation.ts.
// - flags: 1 = annotated (LSP occluded joints included), 0 = no annotation (LSPet v = 0, MPII vis 0).
// - image tensors: CHW, BGR by default (the released CPM nets), v/256 − 0.5, padding 128 → 0.
// - crop: person centre at (S/2, S/2); scale (target_dist / person scale) · (S / 368) · U[0.7, 1.3].
//
// Typical use:
//   const ds = openDataset(dir /* or undefined for generated people */, { split: 'train' });
//   const loader = createLoader({ dataset: ds, batchSize: 16, size: 368, seed: 0, workers: 1, epochs: Infinity });
//   for await (const batch of loader) { ... }
export * from './browser.js';
export { openDataset, openDatasetFromSpec, type OpenDatasetOptions } from './node/open.js';
export { openFolderDataset } from './node/folder.js';
export { createLoader } from './node/loader.js';
export { readMatFile, readImageFile } from './node/files.js';
