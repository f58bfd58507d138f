// safetensors: 8-byte little-endian header length, a JSON header, then raw little-endian data.
// Pure (bytes in, bytes out) so the browser can use it too.

export type SafeDType = 'F32' | 'F16' | 'F64' | 'I32' | 'I64' | 'U8';
const BYTES: Record<SafeDType, number> = { F32: 4, F16: 2, F64: 8, I32: 4, I64: 8, U8: 1 };

export interface SafeTensor {
  shape: number[];
  /** Values converted to float32 (F16, F64 and integers are widened or narrowed on read). */
  data: Float32Array;
  /** The type stored in the file (set on read). */
  dtype?: SafeDType;
}

export interface SafeFile {
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  constructor(source: string, detail: string) {
    super(`${source}: ${detail}`);
    this.name = 'SafetensorsError';
  }
}

/** Serialises float32 tensors (names sorted, as the reference implementation does). */
export function encodeSafetensors(tensors: Map<string, SafeTensor> | Record<string, SafeTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const entries = (tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of entries) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new SafetensorsError(name, `shape [${t.shape}] needs ${count} values, got ${t.data.length}`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8); // data starts 8-byte aligned
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const [, t] of entries) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
    pos += t.data.byteLength;
  }
  return out;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Parses a safetensors file; `source` (a file name) is used in error messages. */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors'): SafeFile {
  if (bytes.length < 8) throw new SafetensorsError(source, `file is ${bytes.length} bytes, too short for a header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8)
    throw new SafetensorsError(source, `header length ${headerLength} exceeds the file (${bytes.length} bytes): truncated or not a safetensors file`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  } catch (e) {
    throw new SafetensorsError(source, `header is not valid JSON (${(e as Error).message})`);
  }
  const dataStart = 8 + headerLength;
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const tensors = new Map<string, SafeTensor>();
  const spans: { name: string; begin: number; end: number }[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const info = raw as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
    const dtype = info.dtype as SafeDType;
    if (!(dtype in BYTES)) throw new SafetensorsError(source, `tensor "${name}" has unsupported dtype ${JSON.stringify(info.dtype)}`);
    const shape = info.shape ?? [];
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      throw new SafetensorsError(source, `tensor "${name}" has shape ${JSON.stringify(info.shape)}; a shape is a list of non-negative integers`);
    const [begin, end] = info.data_offsets ?? [NaN, NaN];
    const count = shape.reduce((a, b) => a * b, 1);
    if (!(begin >= 0 && end >= begin && dataStart + end <= bytes.length))
      throw new SafetensorsError(source, `tensor "${name}" data [${begin}, ${end}) lies outside the file: truncated?`);
    if (end - begin !== count * BYTES[dtype])
      throw new SafetensorsError(source, `tensor "${name}" has ${end - begin} bytes but shape [${shape}] of ${dtype} needs ${count * BYTES[dtype]}`);
    const dv = new DataView(bytes.buffer, bytes.byteOffset + dataStart + begin, end - begin);
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      switch (dtype) {
        case 'F32':
          data[i] = dv.getFloat32(i * 4, true);
          break;
        case 'F64':
          data[i] = dv.getFloat64(i * 8, true);
          break;
        case 'F16':
          data[i] = halfToFloat(dv.getUint16(i * 2, true));
          break;
        case 'I32':
          data[i] = dv.getInt32(i * 4, true);
          break;
        case 'I64':
          data[i] = Number(dv.getBigInt64(i * 8, true));
          break;
        case 'U8':
          data[i] = dv.getUint8(i);
          break;
      }
    }
    tensors.set(name, { shape, data, dtype });
    spans.push({ name, begin, end });
  }
  // The data must be covered exactly once, as the format requires: no overlaps, no gaps.
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (let i = 0; i < spans.length; i++) {
    const t = spans[i]!;
    if (t.end === t.begin) continue;
    if (t.begin < covered)
      throw new SafetensorsError(
        source,
        `tensor "${t.name}" data [${t.begin}, ${t.end}) overlaps tensor "${
          spans
            .slice(0, i)
            .reverse()
            .find((p) => p.end > t.begin)!.name
        }"`,
      );
    if (t.begin > covered)
      throw new SafetensorsError(source, `tensor "${t.name}" data starts at ${t.begin}, leaving bytes [${covered}, ${t.begin}) that no tensor owns`);
    covered = t.end;
  }
  return { tensors, metadata };
}
