// Public API of the data module (Node). Browser code imports './browser.js' instead, which
// leaves out everything that needs fs, zlib or worker_threads.
export * from './browser.js';
export { openDataset, openDatasetFromSpec, type OpenDatasetOptions } from './node/open.js';
export { openFolderDataset } from './node/folder.js';
export { createLoader } from './node/loader.js';
export { readMatFile, readImageFile } from './node/files.js';
