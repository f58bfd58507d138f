// Shared helpers for the data tests: where ../shared is, temp folders, and tiny file writers.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';

/** ../shared beside the checkout (test/data/ → ../../../shared). */
export const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));
export const LSP_DIR = join(SHARED, 'data/lsp');
export const LSPET_DIR = join(SHARED, 'data/lspet');

export function tempDir(prefix = 'cpm-data-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeFiles(dir: string, files: Record<string, Uint8Array | string>): void {
  for (const [name, content] of Object.entries(files)) {
    const p = join(dir, name);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, content);
  }
}

/** An RGB test image: a grey gradient. */
export function rgbPixels(w: number, h: number): Uint8Array {
  const d = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * 3;
      d[p] = (x * 7) & 255;
      d[p + 1] = (y * 5) & 255;
      d[p + 2] = 100;
    }
  return d;
}

export function encodeJpeg(w: number, h: number, rgb = rgbPixels(w, h)): Uint8Array {
  const rgba = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    rgba[i * 4] = rgb[i * 3]!;
    rgba[i * 4 + 1] = rgb[i * 3 + 1]!;
    rgba[i * 4 + 2] = rgb[i * 3 + 2]!;
    rgba[i * 4 + 3] = 255;
  }
  return new Uint8Array(jpeg.encode({ width: w, height: h, data: rgba }, 95).data);
}

export function encodePng(w: number, h: number, rgb = rgbPixels(w, h)): Uint8Array {
  const png = new pngjs.PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) {
    png.data[i * 4] = rgb[i * 3]!;
    png.data[i * 4 + 1] = rgb[i * 3 + 1]!;
    png.data[i * 4 + 2] = rgb[i * 3 + 2]!;
    png.data[i * 4 + 3] = 255;
  }
  return new Uint8Array(pngjs.PNG.sync.write(png));
}

/** A minimal uncompressed MAT v5 file with one double (class 6) or char (class 4) array. */
export function writeMat(name: string, dims: number[], values: ArrayLike<number>, classId = 6): Uint8Array {
  const parts: Uint8Array[] = [];
  const header = new Uint8Array(128);
  header.set(new TextEncoder().encode('MATLAB 5.0 MAT-file, written by a test'.padEnd(116, ' ')));
  header[124] = 0;
  header[125] = 1;
  header[126] = 'I'.charCodeAt(0);
  header[127] = 'M'.charCodeAt(0);
  const el = (type: number, payload: Uint8Array): Uint8Array => {
    const padded = Math.ceil(payload.length / 8) * 8;
    const b = new Uint8Array(8 + padded);
    const v = new DataView(b.buffer);
    v.setUint32(0, type, true);
    v.setUint32(4, payload.length, true);
    b.set(payload, 8);
    return b;
  };
  const u32 = (xs: number[]): Uint8Array => new Uint8Array(new Uint32Array(xs).buffer);
  const i32 = (xs: number[]): Uint8Array => new Uint8Array(new Int32Array(xs).buffer);
  const data =
    classId === 4
      ? el(4, new Uint8Array(new Uint16Array(Array.from(values)).buffer)) // miUINT16 chars
      : el(9, new Uint8Array(new Float64Array(Array.from(values)).buffer));
  const body = [el(6, u32([classId, 0])), el(5, i32(dims)), el(1, new TextEncoder().encode(name)), data];
  const len = body.reduce((a, b) => a + b.length, 0);
  const all = new Uint8Array(len);
  let o = 0;
  for (const b of body) {
    all.set(b, o);
    o += b.length;
  }
  parts.push(header, el(14, all));
  const total = parts.reduce((a, b) => a + b.length, 0);
  const out = new Uint8Array(total);
  o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Asserts that fn throws (or rejects) an Error whose message contains every fragment. */
export async function throwsWith(fn: () => unknown, ...fragments: string[]): Promise<Error> {
  let err: unknown = null;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  if (!(err instanceof Error)) throw new Error(`expected an error mentioning ${fragments.join(', ')}, got none`);
  for (const f of fragments) {
    if (!err.message.includes(f)) throw new Error(`error "${err.message}" does not mention "${f}"`);
  }
  return err;
}

export const joints = (): number[][] => Array.from({ length: 14 }, (_, k) => [10 + 3 * k, 12 + 4 * k, 1]);

/** A small LSPet-style folder: joints.json in the shared schema plus images. */
export function lspetFolder(images: Record<string, Uint8Array>, entries = Object.keys(images).map((file) => ({ file, joints: joints() }))): string {
  const dir = tempDir();
  const doc = { visibility_flag: 'v: 1 = visible/annotated, 0 = not', joint_names: Array.from({ length: 14 }, (_, k) => `j${k}`), images: entries };
  writeFiles(dir, { 'joints.json': JSON.stringify(doc), ...Object.fromEntries(Object.entries(images).map(([f, b]) => [`images/${f}`, b])) });
  return dir;
}
