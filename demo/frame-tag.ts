// A frame number stamped into a strip across the top of a video frame, as black and white blocks, so a
// test can tell which frame of its video the page processed (a fake camera loops a file and says nothing).
import type { data } from './browser-api.js';

export const TAG_BITS = 14;
/** Strip height in pixels; frames must be at least this tall plus the picture. */
export const TAG_HEIGHT = 16;

/** Writes `n` (mod 2^TAG_BITS) into the top TAG_HEIGHT rows: block b is white when bit b is set. */
export function stampFrameTag(img: data.RgbImage, n: number): void {
  const block = Math.floor(img.width / TAG_BITS);
  for (let y = 0; y < TAG_HEIGHT; y++)
    for (let x = 0; x < img.width; x++) {
      const b = Math.floor(x / block);
      const v = b < TAG_BITS && (n >> b) & 1 ? 255 : 0;
      img.data.fill(v, 3 * (y * img.width + x), 3 * (y * img.width + x) + 3);
    }
}

/** Reads the number back from each block's centre pixel (brightness above half: bit set). */
export function readFrameTag(img: data.RgbImage): number {
  const block = Math.floor(img.width / TAG_BITS);
  let n = 0;
  for (let b = 0; b < TAG_BITS; b++) {
    const i = 3 * ((TAG_HEIGHT >> 1) * img.width + b * block + (block >> 1));
    if (img.data[i]! + img.data[i + 1]! + img.data[i + 2]! > 3 * 128) n |= 1 << b;
  }
  return n;
}
