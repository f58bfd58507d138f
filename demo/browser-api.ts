// What the demo takes from the package's browser entry, plus canvas helpers.
export * from '../src/index.browser.js';
import { createRgbImage, type RgbImage } from '../src/data/image.js';
import type { Raster } from '../src/viz/raster.js';

/** A canvas's RGBA pixels as the RGB image the model reads. */
export function rgbFromPixels(px: ImageData): RgbImage {
  const image = createRgbImage(px.width, px.height);
  for (let i = 0, j = 0; i < px.width * px.height; i++, j += 4) {
    image.data[3 * i] = px.data[j]!;
    image.data[3 * i + 1] = px.data[j + 1]!;
    image.data[3 * i + 2] = px.data[j + 2]!;
  }
  return image;
}

export function fromRasterToImageData(r: Raster): ImageData {
  return new ImageData(new Uint8ClampedArray(r.data), r.width, r.height);
}

/** Shows a raster on a canvas at its own size. */
export function paintRaster(c: HTMLCanvasElement, r: Raster): void {
  if (c.width !== r.width || c.height !== r.height) {
    c.width = r.width;
    c.height = r.height;
  }
  c.getContext('2d')!.putImageData(fromRasterToImageData(r), 0, 0);
}
