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

/** The largest image decoded, JPEG or PNG alike (jpeg-js's own default limit, applied to both). */
export const MAX_IMAGE_MEGAPIXELS = 100;

/** Decode a JPEG or PNG to RGB (JPEGs turned upright by their EXIF orientation). `name` (usually the file path) is used in error messages. */
export function decodeImage(bytes: Uint8Array, name: string): RgbImage {
  if (bytes.length === 0) throw new DataError(name, 'image file is empty');
  const format = sniffImageFormat(bytes);
  if (format === null) throw new DataError(name, 'unknown image format (expected JPEG or PNG by its first bytes)');
  const size = format === 'jpeg' ? jpegSize(bytes) : pngSize(bytes);
  if (size && size.width * size.height > MAX_IMAGE_MEGAPIXELS * 1e6) {
    throw new DataError(
      name,
      `${format === 'jpeg' ? 'JPEG' : 'PNG'} is ${size.width}×${size.height} (${((size.width * size.height) / 1e6).toFixed(0)} MP), over the limit of ${MAX_IMAGE_MEGAPIXELS} MP`,
    );
  }
  return format === 'jpeg' ? orient(decodeJpeg(bytes, name), jpegOrientation(bytes)) : decodePng(bytes, name);
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(b: Uint8Array): { width: number; height: number } | null {
  if (b.length < 24) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

/** Visits each JPEG marker segment before the scan: (marker, payload start, payload length). */
function jpegSegments(b: Uint8Array, visit: (marker: number, at: number, length: number) => boolean): void {
  let i = 2;
  while (i + 4 <= b.length && b[i] === 0xff) {
    const marker = b[i + 1]!;
    if (marker === 0xda || marker === 0xd9) return; // start of scan / end of image
    const length = (b[i + 2]! << 8) | b[i + 3]!;
    if (visit(marker, i + 4, length - 2)) return;
    i += 2 + length;
  }
}

function jpegSize(b: Uint8Array): { width: number; height: number } | null {
  let size: { width: number; height: number } | null = null;
  jpegSegments(b, (m, at) => {
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc && at + 5 <= b.length) {
      size = { height: (b[at + 1]! << 8) | b[at + 2]!, width: (b[at + 3]! << 8) | b[at + 4]! };
      return true;
    }
    return false;
  });
  return size;
}

/** The EXIF orientation tag (1–8; 1 = upright) of a JPEG's APP1 segment, 1 when there is none. */
export function jpegOrientation(b: Uint8Array): number {
  let orientation = 1;
  jpegSegments(b, (m, at, length) => {
    if (m !== 0xe1 || length < 14 || String.fromCharCode(...b.subarray(at, at + 4)) !== 'Exif') return false;
    const tiff = at + 6;
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const little = b[tiff] === 0x49;
    const u16 = (o: number) => v.getUint16(o, little);
    const ifd = tiff + v.getUint32(tiff + 4, little);
    if (ifd + 2 > at + length) return true;
    for (let k = 0, n = u16(ifd); k < n && ifd + 2 + 12 * (k + 1) <= at + length; k++) {
      const entry = ifd + 2 + 12 * k;
      if (u16(entry) === 0x0112) orientation = u16(entry + 8);
    }
    return true;
  });
  return orientation >= 1 && orientation <= 8 ? orientation : 1;
}

/** Applies an EXIF orientation: the pixels as the camera meant them to be seen. */
export function orient(img: RgbImage, orientation: number): RgbImage {
  if (orientation === 1) return img;
  const { width: w, height: h } = img;
  const swap = orientation >= 5;
  const out = createRgbImage(swap ? h : w, swap ? w : h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Where the stored pixel (x, y) lands in the upright picture.
      const [u, v] = [
        [x, y],
        [w - 1 - x, y],
        [w - 1 - x, h - 1 - y],
        [x, h - 1 - y],
        [y, x],
        [h - 1 - y, x],
        [h - 1 - y, w - 1 - x],
        [y, w - 1 - x],
      ][orientation - 1]!;
      out.data.set(img.data.subarray((y * w + x) * 3, (y * w + x) * 3 + 3), (v! * out.width + u!) * 3);
    }
  }
  return out;
}

function decodeJpeg(bytes: Uint8Array, name: string): RgbImage {
  // jpeg-js decodes a truncated scan without complaint, so insist on the end-of-image marker.
  if (!hasJpegEnd(bytes)) throw new DataError(name, 'truncated or corrupt JPEG (no end-of-image marker)');
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      tolerantDecoding: false,
      maxResolutionInMP: MAX_IMAGE_MEGAPIXELS,
      maxMemoryUsageInMB: 4096,
    });
  } catch (e) {
    const why = (e as Error).message;
    throw new DataError(name, /limit exceeded/.test(why) ? `JPEG too large to decode (${why})` : `corrupt JPEG (${why})`);
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
  if (typeof Buffer === 'undefined')
    throw new DataError(name, 'PNG decoding needs Node (pngjs uses Buffer); decode PNGs in the browser with createImageBitmap');
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
