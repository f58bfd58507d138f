// Datasets stored in a folder: LSP / LSPet (joints.mat or joints.json + images/) and MPII
// (annot/{train,valid}.json + images/), recognised from their files. Node-only (fs, zlib).
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { personFromImageFrame } from '../annotation.js';
import type { FolderSpec, PoseDataset } from '../dataset.js';
import { DataError, type SkippedSample } from '../errors.js';
import { parseAnnotations } from '../formats/parse.js';
import type { AnnotationRecord } from '../formats/record.js';
import { decodeImage } from '../image.js';
import { MPII_FILES, splitRange } from '../split.js';
import type { Person, RawSample } from '../types.js';
import { readFileSync } from 'node:fs';

const IMAGE_EXT = /\.(jpe?g|png)$/i;

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Pick the annotation file for a folder (or accept a file path as is). */
function findAnnotationFile(spec: FolderSpec): { file: string; root: string } {
  const path = spec.path;
  if (!exists(path)) throw new DataError(path, 'dataset path does not exist');
  if (statSync(path).isFile()) return { file: path, root: dirname(path) };
  const entries = readdirSync(path);
  if (entries.length === 0) throw new DataError(path, 'dataset folder is empty');
  const json = join(path, 'joints.json'),
    mat = join(path, 'joints.mat');
  const order = spec.annotations === 'mat' ? [mat, json] : [json, mat];
  if (spec.format !== 'mpii') for (const f of order) if (exists(f)) return { file: f, root: path };
  for (const dir of [join(path, 'annot'), path]) {
    for (const name of MPII_FILES[spec.split]) {
      const f = join(dir, name);
      if (exists(f)) return { file: f, root: path };
    }
  }
  throw new DataError(path, `no annotation file found (expected joints.json or joints.mat for LSP/LSPet, or annot/${MPII_FILES[spec.split][0]} for MPII)`);
}

function imageFolder(root: string): string {
  const d = join(root, 'images');
  return exists(d) && statSync(d).isDirectory() ? d : root;
}

/** Open a folder dataset described by `spec`. */
export function openFolderDataset(spec: FolderSpec): PoseDataset {
  const { file, root } = findAnnotationFile(spec);
  const parsed = parseAnnotations(readFileSync(file), file, (b) => inflateSync(b), spec.skipBad);
  if (spec.format && spec.format !== parsed.format) {
    throw new DataError(file, `holds ${parsed.format} annotations but format "${spec.format}" was asked for`);
  }
  const imagesDir = imageFolder(root);
  const images = new Set(readdirSync(imagesDir).filter((n) => IMAGE_EXT.test(n)));
  if (images.size === 0) throw new DataError(imagesDir, 'no image files (.jpg, .jpeg, .png)');
  if (parsed.format !== 'mpii') {
    const first = new Map<string, number>();
    for (const r of parsed.records) {
      const seen = first.get(r.file);
      if (seen !== undefined) throw new DataError(file, `entries ${seen + 1} and ${r.index + 1} both name ${r.file}`);
      first.set(r.file, r.index);
    }
  }
  const skipped: SkippedSample[] = parsed.dropped.map((d) => ({ ...d }));
  const missing = parsed.records.filter((r) => !images.has(r.file));
  if (missing.length > 0 && !spec.skipBad) {
    throw new DataError(
      file,
      `${parsed.records.length} annotated images but ${images.size} image files in ${imagesDir}; ` +
        `${missing.length} annotated images are missing (first: ${missing[0]!.file}); pass skipBad to use only the present ones`,
    );
  }
  if (parsed.format !== 'mpii' && images.size > parsed.records.length + parsed.dropped.length && !spec.skipBad) {
    throw new DataError(file, `annotates ${parsed.records.length + parsed.dropped.length} images but ${imagesDir} has ${images.size} image files`);
  }
  for (const r of missing) skipped.push({ index: r.index, source: join(imagesDir, r.file), reason: 'image file is missing' });
  let records = parsed.records.filter((r) => images.has(r.file));
  const range = spec.range ?? splitRange(parsed.format, spec.split);
  if (range) {
    const [a, b] = range;
    if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 1 && b >= a))
      throw new DataError('range', `must be 1-based [from, to] with from ≤ to, got [${a}, ${b}]`);
    const entries = Math.max(0, ...parsed.records.map((r) => r.index + 1), ...parsed.dropped.map((d) => d.index + 1));
    if (spec.range && b > entries) throw new DataError(file, `range ${a}:${b} goes past the last entry (the file has ${entries})`);
    records = records.filter((r) => r.index + 1 >= a && r.index + 1 <= b);
  }
  if (records.length === 0) throw new DataError(file, `no usable samples${range ? ` in entries ${range[0]}–${range[1]}` : ''}`);
  const label = `${parsed.format} ${basename(root)} (${spec.range ? `entries ${range![0]}–${range![1]}` : spec.split}, ${records.length} samples)`;
  return {
    name: label,
    length: records.length,
    spec,
    skipped,
    id: (i) => records[i]?.file ?? `#${i}`,
    load: (i) => loadRecord(records, i, imagesDir),
  };
}

/** A person none of whose annotated joints is inside the image cannot be a training sample. */
function checkInside(joints: Float32Array, width: number, height: number, path: string): void {
  let annotated = 0;
  for (let j = 0; j < joints.length / 3; j++) {
    if (joints[j * 3 + 2] !== 1) continue;
    annotated++;
    const x = joints[j * 3]!,
      y = joints[j * 3 + 1]!;
    if (x >= 0 && y >= 0 && x <= width - 1 && y <= height - 1) return;
  }
  if (annotated > 0) throw new DataError(path, `all ${annotated} annotated joints lie outside the ${width}×${height} image`);
}

async function loadRecord(records: AnnotationRecord[], i: number, imagesDir: string): Promise<RawSample> {
  const rec = records[i];
  if (!rec) throw new DataError('index', `sample ${i} is out of range (dataset has ${records.length})`);
  const path = join(imagesDir, rec.file);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new DataError(path, `cannot read image (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const image = decodeImage(bytes, path);
  if (rec.width !== undefined && rec.height !== undefined && (image.width !== rec.width || image.height !== rec.height)) {
    throw new DataError(path, `the image is ${image.width}×${image.height} but its annotation says ${rec.width}×${rec.height}`);
  }
  checkInside(rec.persons[rec.main]!.joints, image.width, image.height, path);
  const persons: Person[] = rec.persons.map((p) =>
    p.center && p.scale !== undefined ? { joints: p.joints, center: p.center, scale: p.scale } : personFromImageFrame(p.joints, image.width, image.height),
  );
  return { id: rec.file, image, persons, main: rec.main };
}
