// `.caffemodel` file → checkpoint file (Node): the import, then our checkpoint format written
// atomically, so infer, evaluate, the demo and fine-tuning take it as they take our own.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { writeFileAtomic } from '../../io/files.js';
import { encodeSafetensors } from '../../io/safetensors.js';
import { assertFinite, checkpointMetadata } from '../checkpoint.js';
import { importCaffeModel, type CaffeImport, type CaffeImportOptions } from './import.js';

function readInput(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`${path}: cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export interface CaffeFileOptions extends Omit<CaffeImportOptions, 'prototxt' | 'shapesOnly'> {
  prototxt?: string;
}

/** Converts MODEL.caffemodel into a checkpoint at `out`; returns what was imported. */
export function convertCaffeModel(model: string, out: string, opts: CaffeFileOptions = {}): CaffeImport {
  const prototxt = opts.prototxt ? { text: new TextDecoder().decode(readInput(opts.prototxt, 'the prototxt')), source: opts.prototxt } : undefined;
  const imported = importCaffeModel(readInput(model, 'the caffemodel'), model, { ...opts, prototxt });
  assertFinite(imported.params, `${model}: not imported`);
  writeFileAtomic(out, encodeSafetensors(imported.params, checkpointMetadata(imported.config, null, { step: 0, source: `caffe ${basename(model)}` })));
  return imported;
}
