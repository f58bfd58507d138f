// Reading MAT and image files from disk (Node-only wrappers around the pure decoders).
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { DataError } from '../errors.js';
import { decodeImage, type RgbImage } from '../image.js';
import { readMat, type MatArray } from '../mat.js';

function read(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new DataError(path, `cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export function readMatFile(path: string): Map<string, MatArray> {
  return readMat(read(path), path, (b) => inflateSync(b));
}

export function readImageFile(path: string): RgbImage {
  return decodeImage(read(path), path);
}
