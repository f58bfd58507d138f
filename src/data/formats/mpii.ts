// MPII in the common JSON format of public PyTorch pose code (e.g. HRNet's annot/train.json):
// an array of one entry per person: {image, center: [x, y], scale, joints: 16×[x, y], joints_vis: 16}.
// Coordinates are MATLAB 1-based as stored; people in the same image are grouped so stage-1
// targets can include them.
import { fromMatlab, toCpmJoints } from '../annotation.js';
import { DataError } from '../errors.js';
import { CPM_FROM_MPII } from '../../pose/joints.js';
import type { AnnotationRecord, ParsedAnnotations, PersonAnnotation } from './record.js';

interface MpiiEntry {
  image?: unknown;
  center?: unknown;
  scale?: unknown;
  joints?: unknown;
  joints_vis?: unknown;
}

/** True when the parsed JSON looks like the MPII person list. */
export function looksLikeMpii(doc: unknown): boolean {
  return Array.isArray(doc) && doc.length > 0 && typeof doc[0] === 'object' && doc[0] !== null && 'joints_vis' in doc[0];
}

function parseEntry(e: MpiiEntry, source: string): { image: string; person: PersonAnnotation } {
  if (typeof e.image !== 'string') throw new DataError(source, 'missing "image"');
  const where = `${source} (${e.image})`;
  const c = e.center;
  if (!Array.isArray(c) || c.length !== 2 || !c.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new DataError(where, '"center" must be two finite numbers');
  }
  if (typeof e.scale !== 'number' || !Number.isFinite(e.scale) || e.scale <= 0) {
    throw new DataError(where, `"scale" must be a positive finite number, got ${String(e.scale)}`);
  }
  const j = e.joints,
    vis = e.joints_vis;
  if (!Array.isArray(j) || j.length !== 16 || !j.every((r) => Array.isArray(r) && r.length >= 2)) {
    throw new DataError(where, '"joints" must be 16 rows of [x, y]');
  }
  if (!Array.isArray(vis) || vis.length !== 16) throw new DataError(where, '"joints_vis" must have 16 entries');
  const rows: number[] = [];
  for (let k = 0; k < 16; k++) {
    const r = j[k] as unknown[];
    const num = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);
    rows.push(num(r[0]), num(r[1]), num(vis[k]));
  }
  const joints = toCpmJoints(rows, CPM_FROM_MPII, (v) => v > 0, where);
  return { image: e.image, person: { joints, center: [fromMatlab(c[0] as number), fromMatlab(c[1] as number)], scale: e.scale } };
}

export function mpiiFromJson(doc: unknown, source: string, skipBad = false): ParsedAnnotations {
  if (!Array.isArray(doc)) throw new DataError(source, 'MPII annotations must be a JSON array of people');
  const dropped: ParsedAnnotations['dropped'] = [];
  const parsed: { image: string; person: PersonAnnotation; index: number }[] = [];
  (doc as MpiiEntry[]).forEach((e, i) => {
    try {
      parsed.push({ ...parseEntry(e ?? {}, `${source} [${i}]`), index: i });
    } catch (err) {
      if (!skipBad || !(err instanceof DataError)) throw err;
      dropped.push({ index: i, source: typeof e?.image === 'string' ? e.image : `[${i}]`, reason: err.message });
    }
  });
  const byImage = new Map<string, PersonAnnotation[]>();
  for (const p of parsed) {
    const list = byImage.get(p.image) ?? [];
    list.push(p.person);
    byImage.set(p.image, list);
  }
  // One record per person, in file order; all people of the image ride along.
  const records: AnnotationRecord[] = parsed.map((p) => {
    const persons = byImage.get(p.image)!;
    return { file: p.image, persons, main: persons.indexOf(p.person), index: p.index };
  });
  return { format: 'mpii', records, dropped };
}
