// LSP and LSPet annotations, from joints.mat (as distributed) or the shared JSON schema.
import { personFromJointBox, toCpmJoints } from '../annotation.js';
import { DataError } from '../errors.js';
import { CPM_FROM_LSP } from '../../pose/joints.js';
import { at3, type MatArray } from '../mat.js';
import type { AnnotationRecord, ParsedAnnotations, PersonAnnotation } from './record.js';

/** LSP: v = 0 visible, 1 occluded but located → both annotated. LSPet: v = 1 annotated, 0 none. */
const LSP_ANNOTATED = (): boolean => true;
const LSPET_ANNOTATED = (v: number): boolean => v === 1;

/** LSP images are im0001.jpg…, LSPet images im00001.jpg…. */
export function lspFileName(format: 'lsp' | 'lspet', n: number): string {
  return `im${String(n).padStart(format === 'lsp' ? 4 : 5, '0')}.jpg`;
}

function person(format: 'lsp' | 'lspet', rows: ArrayLike<number>, source: string): PersonAnnotation {
  const joints = toCpmJoints(rows, CPM_FROM_LSP, format === 'lsp' ? LSP_ANNOTATED : LSPET_ANNOTATED, source);
  return format === 'lsp' ? { joints } : personFromJointBox(joints, source);
}

/**
 * From the variable `joints` of joints.mat: 3×14×N is LSP, 14×3×N is LSPet (the layouts differ).
 * With `skipBad`, bad records are dropped and listed instead of thrown.
 */
export function lspFromMat(vars: Map<string, MatArray>, source: string, skipBad = false): ParsedAnnotations {
  const m = vars.get('joints');
  if (!m) throw new DataError(source, `no numeric variable "joints" (found: ${[...vars.keys()].join(', ') || 'none'})`);
  const [d0, d1, d2 = 1] = m.dims;
  let format: 'lsp' | 'lspet';
  if (m.dims.length <= 3 && d0 === 3 && d1 === 14) format = 'lsp';
  else if (m.dims.length <= 3 && d0 === 14 && d1 === 3) format = 'lspet';
  else throw new DataError(source, `variable "joints" has shape ${m.dims.join('×')}; expected 3×14×N (LSP) or 14×3×N (LSPet)`);
  const records: AnnotationRecord[] = [];
  const dropped: ParsedAnnotations['dropped'] = [];
  const rows = new Float64Array(42);
  for (let n = 0; n < d2; n++) {
    for (let j = 0; j < 14; j++) {
      for (let c = 0; c < 3; c++) {
        rows[j * 3 + c] = format === 'lsp' ? at3(m, c, j, n) : at3(m, j, c, n);
      }
    }
    const file = lspFileName(format, n + 1);
    if (format === 'lspet') checkFlags(rows, `${source} (${file})`);
    try {
      records.push({ file, persons: [person(format, rows, `${source} (${file})`)], main: 0, index: n });
    } catch (e) {
      if (!skipBad || !(e instanceof DataError)) throw e;
      dropped.push({ index: n, source: file, reason: e.message });
    }
  }
  return { format, records, dropped };
}

function checkFlags(rows: Float64Array, source: string): void {
  for (let j = 0; j < 14; j++) {
    const v = rows[j * 3 + 2]!;
    if (v !== 0 && v !== 1) throw new DataError(source, `joint ${j} has visibility ${v}; LSPet uses 0 or 1`);
  }
}

interface SchemaImage {
  file?: unknown;
  width?: unknown;
  height?: unknown;
  image_available?: unknown;
  joints?: unknown;
}

/**
 * From the shared JSON schema (../shared/data/{lsp,lspet}/joints.json). The visibility convention
 * is read from its `visibility_flag` text ("0 = visible" → LSP, "1 = visible" → LSPet).
 */
export function lspFromSchemaJson(doc: unknown, source: string, skipBad = false): ParsedAnnotations {
  const obj = doc as { visibility_flag?: unknown; images?: unknown; joint_names?: unknown };
  if (typeof obj !== 'object' || obj === null || !Array.isArray(obj.images)) {
    throw new DataError(source, 'not a joints.json in the shared schema (no "images" array)');
  }
  if (!Array.isArray(obj.joint_names) || obj.joint_names.length !== 14) {
    throw new DataError(source, '"joint_names" must list the 14 LSP joints');
  }
  const flag = String(obj.visibility_flag ?? '');
  let format: 'lsp' | 'lspet';
  if (/\b0\s*=\s*visible/.test(flag)) format = 'lsp';
  else if (/\b1\s*=\s*visible/.test(flag)) format = 'lspet';
  else throw new DataError(source, `cannot tell the visibility convention from visibility_flag "${flag.slice(0, 80)}"`);
  const records: AnnotationRecord[] = [];
  const dropped: ParsedAnnotations['dropped'] = [];
  (obj.images as SchemaImage[]).forEach((im, i) => {
    const file = typeof im.file === 'string' ? im.file : `images[${i}]`;
    try {
      if (typeof im.file !== 'string') throw new DataError(`${source} (images[${i}])`, 'missing "file"');
      if (im.image_available === false) {
        dropped.push({ index: i, source: file, reason: 'marked image_available: false in joints.json' });
        return;
      }
      const j = im.joints;
      if (!Array.isArray(j) || j.length !== 14 || !j.every((r) => Array.isArray(r) && r.length === 3)) {
        throw new DataError(`${source} (${file})`, '"joints" must be 14 rows of [x, y, v]');
      }
      const rows = (j as unknown[][]).flat().map((v) => (typeof v === 'number' ? v : Number.NaN));
      if (format === 'lspet') checkFlags(Float64Array.from(rows), `${source} (${file})`);
      const size = typeof im.width === 'number' && typeof im.height === 'number' ? { width: im.width, height: im.height } : {};
      records.push({ file, persons: [person(format, rows, `${source} (${file})`)], main: 0, index: i, ...size });
    } catch (e) {
      if (!skipBad || !(e instanceof DataError)) throw e;
      dropped.push({ index: i, source: file, reason: e.message });
    }
  });
  return { format, records, dropped };
}
