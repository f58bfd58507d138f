// Decoded images as 8-bit RGB, and decoding JPEG/PNG from bytes (no file system here).
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { DataError } from './errors.js';

/** An 8-bit RGB image, rows top to bottom, pixels interleaved R, G, B. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export function createRgbImage(width: number, height: number): RgbImage {
  return { width, height, data: new Uint8Array(width * height * 3) };
}

export type ImageFormat = 'jpeg' | 'png';

/** Recognise the format from the magic bytes; null when it is neither JPEG nor PNG. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'png';
  return null;
}

/** Decode a JPEG or PNG to RGB. `name` (usually the file path) is used in error messages. */
export function decodeImage(bytes: Uint8Array, name: string): RgbImage {
  if (bytes.length === 0) throw new DataError(name, 'image file is empty');
  const format = sniffImageFormat(bytes);
  if (format === 'jpeg') return decodeJpeg(bytes, name);
  if (format === 'png') return decodePng(bytes, name);
  throw new DataError(name, 'unknown image format (expected JPEG or PNG by its first bytes)');
}

function decodeJpeg(bytes: Uint8Array, name: string): RgbImage {
  // jpeg-js decodes a truncated scan without complaint, so insist on the end-of-image marker.
  if (!hasJpegEnd(bytes)) throw new DataError(name, 'truncated or corrupt JPEG (no end-of-image marker)');
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false, maxMemoryUsageInMB: 1024 });
  } catch (e) {
    throw new DataError(name, `corrupt JPEG (${(e as Error).message})`);
  }
  const { width, height, data } = decoded;
  if (!(width > 0 && height > 0) || data.length !== width * height * 3) {
    throw new DataError(name, `corrupt JPEG (decoded ${width}×${height} with ${data.length} bytes)`);
  }
  return { width, height, data };
}

function hasJpegEnd(bytes: Uint8Array): boolean {
  // Some writers pad after EOI; look in the last 64 bytes.
  for (let i = bytes.length - 2; i >= Math.max(2, bytes.length - 64); i--) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  }
  return false;
}

function decodePng(bytes: Uint8Array, name: string): RgbImage {
  let png: { width: number; height: number; data: Uint8Array };
  if (typeof Buffer === 'undefined') throw new DataError(name, 'PNG decoding needs Node (pngjs uses Buffer); decode PNGs in the browser with createImageBitmap');
  try {
    // pngjs wants a Buffer; wrap without copying. Alpha is dropped (no compositing).
    png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new DataError(name, `truncated or corrupt PNG (${(e as Error).message})`);
  }
  const { width, height, data } = png;
  if (!(width > 0 && height > 0) || data.length < width * height * 4) {
    throw new DataError(name, `corrupt PNG (decoded ${width}×${height} with ${data.length} bytes)`);
  }
  const out = createRgbImage(width, height);
  for (let i = 0, o = 0; o < out.data.length; i += 4, o += 3) {
    out.data[o] = data[i]!;
    out.data[o + 1] = data[i + 1]!;
    out.data[o + 2] = data[i + 2]!;
  }
  return out;
}
