// A small reader for MATLAB v5 .mat files: numeric (real, full) arrays, optionally zlib-compressed.
// Pure: the caller passes the inflate function (Node's zlib.inflateSync, or a browser equivalent).
import { DataError } from './errors.js';

export type Inflate = (bytes: Uint8Array) => Uint8Array;

export type MatClass = 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';

/** A numeric MATLAB array. `data` is column-major (first index fastest), converted to float64. */
export interface MatArray {
  name: string;
  class: MatClass;
  dims: number[];
  data: Float64Array;
}

// mxCLASS ids → names (only numeric classes are supported).
const CLASS_NAMES: Record<number, MatClass> = {
  6: 'double',
  7: 'single',
  8: 'int8',
  9: 'uint8',
  10: 'int16',
  11: 'uint16',
  12: 'int32',
  13: 'uint32',
  14: 'int64',
  15: 'uint64',
};
const MI_INT8 = 1,
  MI_UINT8 = 2,
  MI_INT16 = 3,
  MI_UINT16 = 4,
  MI_INT32 = 5,
  MI_UINT32 = 6,
  MI_SINGLE = 7,
  MI_DOUBLE = 9,
  MI_INT64 = 12,
  MI_UINT64 = 13,
  MI_MATRIX = 14,
  MI_COMPRESSED = 15,
  MI_UTF8 = 16;
const ELEMENT_SIZE: Record<number, number> = {
  [MI_INT8]: 1,
  [MI_UINT8]: 1,
  [MI_INT16]: 2,
  [MI_UINT16]: 2,
  [MI_INT32]: 4,
  [MI_UINT32]: 4,
  [MI_SINGLE]: 4,
  [MI_DOUBLE]: 8,
  [MI_INT64]: 8,
  [MI_UINT64]: 8,
  [MI_UTF8]: 1,
};

interface Element {
  type: number;
  start: number; // byte offset of the payload
  size: number; // payload bytes
  next: number; // offset of the following element
}

/** Read every numeric variable of a MAT v5 file. `name` is used in error messages. */
export function readMat(bytes: Uint8Array, name: string, inflate: Inflate): Map<string, MatArray> {
  if (bytes.length < 128) throw new DataError(name, `not a MAT v5 file (only ${bytes.length} bytes, header needs 128)`);
  const head = String.fromCharCode(...bytes.subarray(0, 10));
  if (!head.startsWith('MATLAB 5.0')) {
    throw new DataError(name, 'not a MAT v5 file (header does not start with "MATLAB 5.0"; v7.3/HDF5 and v4 files are not supported)');
  }
  const endian = String.fromCharCode(bytes[126]!, bytes[127]!);
  if (endian !== 'IM' && endian !== 'MI') throw new DataError(name, `bad MAT endian indicator "${endian}"`);
  const little = endian === 'IM';
  const out = new Map<string, MatArray>();
  let pos = 128;
  while (pos < bytes.length) {
    if (bytes.length - pos < 8) throw new DataError(name, `truncated MAT file (partial element tag at byte ${pos})`);
    const el = readTag(bytes, pos, little, name);
    if (el.type === MI_COMPRESSED) {
      let raw: Uint8Array;
      try {
        raw = inflate(bytes.subarray(el.start, el.start + el.size));
      } catch (e) {
        throw new DataError(name, `corrupt compressed MAT element at byte ${pos} (${(e as Error).message})`);
      }
      const inner = readTag(raw, 0, little, name);
      if (inner.type === MI_MATRIX) addMatrix(out, raw, inner, little, name);
      pos = el.start + el.size; // compressed elements are not padded
    } else {
      if (el.type === MI_MATRIX) addMatrix(out, bytes, el, little, name);
      pos = el.next;
    }
  }
  return out;
}

function addMatrix(out: Map<string, MatArray>, bytes: Uint8Array, el: Element, little: boolean, name: string): void {
  const arr = readMatrix(bytes, el, little, name);
  if (arr) out.set(arr.name, arr);
}

function readTag(bytes: Uint8Array, pos: number, little: boolean, name: string): Element {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const first = view.getUint32(pos, little);
  const small = first >>> 16;
  if (small !== 0) {
    // Small data element: type and size share the first word, data in the next 4 bytes.
    return { type: first & 0xffff, start: pos + 4, size: small, next: pos + 8 };
  }
  const size = view.getUint32(pos + 4, little);
  const start = pos + 8;
  if (start + size > bytes.length) {
    throw new DataError(name, `truncated MAT file (element at byte ${pos} claims ${size} bytes, ${bytes.length - start} remain)`);
  }
  return { type: first, start, size, next: start + Math.ceil(size / 8) * 8 };
}

/** Parse one miMATRIX; returns null for non-numeric classes it does not need (they are skipped). */
function readMatrix(bytes: Uint8Array, el: Element, little: boolean, name: string): MatArray | null {
  const end = el.start + el.size;
  const flagsEl = readTag(bytes, el.start, little, name);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flags = view.getUint32(flagsEl.start, little);
  const classId = flags & 0xff;
  const complex = (flags & 0x800) !== 0;
  const dimsEl = readTag(bytes, flagsEl.next, little, name);
  const dims: number[] = [];
  for (let i = 0; i < dimsEl.size / 4; i++) dims.push(view.getInt32(dimsEl.start + i * 4, little));
  const nameEl = readTag(bytes, dimsEl.next, little, name);
  const varName = new TextDecoder().decode(bytes.subarray(nameEl.start, nameEl.start + nameEl.size));
  const cls = CLASS_NAMES[classId];
  if (!cls) return null; // struct, cell, sparse, char...: not used by pose annotations
  if (complex) throw new DataError(name, `variable "${varName}" is complex; only real arrays are supported`);
  const realEl = readTag(bytes, nameEl.next, little, name);
  if (realEl.next > end + 8) throw new DataError(name, `variable "${varName}" data runs past its element`);
  const count = dims.reduce((a, b) => a * b, 1);
  const data = readNumbers(bytes, realEl, little, count, `${name} (variable "${varName}")`);
  return { name: varName, class: cls, dims, data };
}

function readNumbers(bytes: Uint8Array, el: Element, little: boolean, count: number, where: string): Float64Array {
  const size = ELEMENT_SIZE[el.type];
  if (!size) throw new DataError(where, `unsupported MAT data type ${el.type}`);
  if (el.size !== count * size) {
    throw new DataError(where, `holds ${el.size / size} values but its dimensions need ${count}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + el.start, el.size);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const o = i * size;
    switch (el.type) {
      case MI_INT8:
        out[i] = view.getInt8(o);
        break;
      case MI_UINT8:
      case MI_UTF8:
        out[i] = view.getUint8(o);
        break;
      case MI_INT16:
        out[i] = view.getInt16(o, little);
        break;
      case MI_UINT16:
        out[i] = view.getUint16(o, little);
        break;
      case MI_INT32:
        out[i] = view.getInt32(o, little);
        break;
      case MI_UINT32:
        out[i] = view.getUint32(o, little);
        break;
      case MI_SINGLE:
        out[i] = view.getFloat32(o, little);
        break;
      case MI_DOUBLE:
        out[i] = view.getFloat64(o, little);
        break;
      case MI_INT64:
        out[i] = Number(view.getBigInt64(o, little));
        break;
      case MI_UINT64:
        out[i] = Number(view.getBigUint64(o, little));
        break;
    }
  }
  return out;
}

/** Element (i, j, k) of a column-major 3-D array. */
export function at3(a: MatArray, i: number, j: number, k: number): number {
  return a.data[i + a.dims[0]! * (j + a.dims[1]! * k)]!;
}
