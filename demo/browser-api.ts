// What the demo takes from the package's browser entry, plus a canvas helper.
export * from '../src/index.browser.js';
import type { Raster } from '../src/viz/raster.js';

export function fromRasterToImageData(r: Raster): ImageData {
  return new ImageData(new Uint8ClampedArray(r.data), r.width, r.height);
}

/** Shows a raster on a canvas at its own size. */
export function paintRaster(c: HTMLCanvasElement, r: Raster): void {
  if (c.width !== r.width || c.height !== r.height) { c.width = r.width; c.height = r.height; }
  c.getContext('2d')!.putImageData(fromRasterToImageData(r), 0, 0);
}
