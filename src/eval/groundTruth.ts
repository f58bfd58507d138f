// Reads the LSP / LSPet ground-truth schema (joints.json) into CPM-order, 0-based persons. Pure: takes parsed JSON.
//
// Schema: { joint_names: [14], visibility_flag: "... 0 = visible ..." | "... 1 = visible ...",
//           coordinate_base?: 0|1 (absent: 1, MATLAB, as LSP/LSPet store it),
//           images: [{ file, split?, joints: [[x, y, v] × 14], head_box?: [x1, y1, x2, y2] }] }
// The visibility convention differs between LSP (0 = visible) and LSPet (1 = visible); it is read from visibility_flag,
// or from an explicit "visible_value" field.
import { FormatError, cpmOrderFromNames, toCpmPose, type CoordinateBase } from './convention.js';
import type { HeadBox, PersonTruth } from './types.js';

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface GroundTruthOptions {
  /** Keep only images whose "split" equals this (e.g. "test" for the LSP benchmark). */
  split?: string;
}

/** The flag value meaning "visible", from visible_value or the visibility_flag text ("0 = visible" / "1 = visible"). */
export function visibleFlagValue(json: Record<string, Json>, source: string): number {
  if (json.visible_value === 0 || json.visible_value === 1) return json.visible_value;
  const m = /\b([01])\s*=\s*visible/i.exec(String(json.visibility_flag ?? ''));
  if (!m)
    throw new FormatError(
      source,
      'cannot tell which visibility flag means visible: give "visible_value" (0 or 1) or a "visibility_flag" text like "1 = visible"',
    );
  return Number(m[1]);
}

export function parseGroundTruth(json: Json, source: string, opts: GroundTruthOptions = {}): PersonTruth[] {
  if (!isObject(json) || !Array.isArray(json.images)) throw new FormatError(source, 'expected an object with an "images" list');
  const order = cpmOrderFromNames(json.joint_names as string[], source);
  const base: CoordinateBase = json.coordinate_base === 0 ? 0 : 1;
  const visibleValue = visibleFlagValue(json, source);
  const out: PersonTruth[] = [];
  json.images.forEach((img, i) => {
    if (!isObject(img) || typeof img.file !== 'string') throw new FormatError(source, `images[${i}] has no "file" name`);
    if (opts.split !== undefined && img.split !== opts.split) return;
    const { pose, extra } = toCpmPose(img.joints as (readonly number[])[], order, base, source, `images[${i}] (${img.file})`);
    const visible = extra.map((v) => v === undefined || v === visibleValue);
    const headBox = Array.isArray(img.head_box) && img.head_box.length === 4 ? (img.head_box.map((v) => Number(v) - base) as unknown as HeadBox) : undefined;
    out.push({ file: img.file, joints: pose, visible, ...(headBox ? { headBox } : {}) });
  });
  return out;
}
