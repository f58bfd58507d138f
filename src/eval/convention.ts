// THE one place where external files' conventions become the product's: joint order by name → CPM order, and
// MATLAB 1-based pixel coordinates → 0-based. Every scoring reader (predictions JSON, LSP/LSPet joints.json) calls this.
//
// Why both sides are shifted: the LSP ground truth and CPM's released predictions are both 1-based (MATLAB), so
// subtracting 1 from each leaves every error unchanged and reproduces the paper's 84.32 / 90.50 exactly. Shifting only
// one side would move every prediction by (1, 1) px and costs about 0.4 PCK points (see data/lsp/README.md).
import { CPM_JOINT_NAMES, NUM_JOINTS } from '../pose/joints.js';
import type { Point, Pose } from './types.js';

export type CoordinateBase = 0 | 1;

/** Raised for a file whose content does not fit the expected format; the message names the file and the problem. */
export class FormatError extends Error {
  constructor(
    readonly source: string,
    problem: string,
  ) {
    super(`${source}: ${problem}`);
    this.name = 'FormatError';
  }
}

/** Normalises a joint name for matching: lower case, single spaces, common abbreviations expanded. */
export function canonicalJointName(name: string): string {
  const n = name.trim().toLowerCase().replace(/[_-]+/g, ' ').replace(/\s+/g, ' ');
  const aliases: Record<string, string> = {
    head: 'head top',
    head_top: 'head top',
    headtop: 'head top',
    'top of head': 'head top',
    'upper neck': 'neck',
  };
  const short = n
    .replace(/^r /, 'right ')
    .replace(/^l /, 'left ')
    .replace(/^rsho$/, 'right shoulder')
    .replace(/^lsho$/, 'left shoulder')
    .replace(/^relb$/, 'right elbow')
    .replace(/^lelb$/, 'left elbow')
    .replace(/^rwri$/, 'right wrist')
    .replace(/^lwri$/, 'left wrist')
    .replace(/^rhip$/, 'right hip')
    .replace(/^lhip$/, 'left hip')
    .replace(/^rkne$/, 'right knee')
    .replace(/^lkne$/, 'left knee')
    .replace(/^rank$/, 'right ankle')
    .replace(/^lank$/, 'left ankle');
  return aliases[short] ?? short;
}

/**
 * For a file's joint_names, returns `order` with order[cpmIndex] = index in the file.
 * Throws FormatError naming the file if there are not 14 names, a name is unknown, or one is repeated.
 */
export function cpmOrderFromNames(names: readonly string[], source: string): number[] {
  if (!Array.isArray(names)) throw new FormatError(source, 'joint_names is missing or not a list');
  if (names.length !== NUM_JOINTS) {
    throw new FormatError(source, `expected ${NUM_JOINTS} joint names, got ${names.length} (${names.join(', ')})`);
  }
  const wanted = CPM_JOINT_NAMES.map((n) => canonicalJointName(n));
  const order = new Array<number>(NUM_JOINTS).fill(-1);
  names.forEach((raw, fileIndex) => {
    const k = wanted.indexOf(canonicalJointName(String(raw)));
    if (k < 0) throw new FormatError(source, `unknown joint name "${raw}" (expected the 14 names: ${CPM_JOINT_NAMES.join(', ')})`);
    if (order[k] !== -1) throw new FormatError(source, `joint name "${raw}" appears twice`);
    order[k] = fileIndex;
  });
  return order;
}

/**
 * Converts one pose as stored in a file (file joint order, `base`-based pixels, each entry [x, y, ...]) into a
 * CPM-order, 0-based pose. Extra entries per joint (e.g. a visibility flag) are returned per CPM joint in `extra`.
 */
export function toCpmPose(
  stored: readonly (readonly number[])[],
  order: readonly number[],
  base: CoordinateBase,
  source: string,
  what: string,
): { pose: Pose; extra: (number | undefined)[] } {
  if (!Array.isArray(stored) || stored.length !== NUM_JOINTS) {
    throw new FormatError(source, `${what}: expected ${NUM_JOINTS} joints, got ${Array.isArray(stored) ? stored.length : typeof stored}`);
  }
  const pose: Point[] = [];
  const extra: (number | undefined)[] = [];
  for (let k = 0; k < NUM_JOINTS; k++) {
    const p = stored[order[k]!];
    if (!Array.isArray(p) || p.length < 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number') {
      throw new FormatError(source, `${what}: joint "${CPM_JOINT_NAMES[k]}" is not an [x, y] pair of numbers`);
    }
    pose.push([p[0] - base, p[1] - base]);
    extra.push(p[2]);
  }
  return { pose, extra };
}

/** The inverse, for writing files: CPM-order 0-based pose → rows of [x, y] in `base`-based pixels. */
export function fromCpmPose(pose: Pose, base: CoordinateBase): [number, number][] {
  return pose.map(([x, y]) => [x + base, y + base]);
}
