// Node-only file I/O for pictures: write a raster as PNG, read a JPEG/PNG into a raster.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/files.js';
import jpeg from 'jpeg-js';
import { decodePng, encodePng } from './png.js';
import { rasterFromPixels, type Raster } from './raster.js';

export function writePng(path: string, r: Raster): void {
  writeFileAtomic(path, encodePng(r));
}

/** Reads a .jpg/.jpeg or .png file into an RGBA raster. */
export function readImageFile(path: string): Raster {
  const bytes = readFileSync(path);
  if (/\.jpe?g$/i.test(path)) {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    return rasterFromPixels(img.width, img.height, img.data, 4);
  }
  return decodePng(new Uint8Array(bytes));
}
