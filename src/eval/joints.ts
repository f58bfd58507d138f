// The 14 joints in CPM order (the product's order everywhere), their names, and the LSP benchmark's part groups.

/** CPM joint order: head top, neck, R shoulder, R elbow, R wrist, L shoulder, L elbow, L wrist, R hip, R knee, R ankle, L hip, L knee, L ankle. */
export const CPM_JOINT_NAMES = [
  'Head top', 'Neck',
  'Right shoulder', 'Right elbow', 'Right wrist',
  'Left shoulder', 'Left elbow', 'Left wrist',
  'Right hip', 'Right knee', 'Right ankle',
  'Left hip', 'Left knee', 'Left ankle',
] as const;

export const NUM_JOINTS = 14;

/** Named indices into a CPM-order pose. */
export const J = {
  headTop: 0, neck: 1,
  rShoulder: 2, rElbow: 3, rWrist: 4,
  lShoulder: 5, lElbow: 6, lWrist: 7,
  rHip: 8, rKnee: 9, rAnkle: 10,
  lHip: 11, lKnee: 12, lAnkle: 13,
} as const;

/** LSP file order, as in joints.json's joint_names. */
export const LSP_JOINT_NAMES = [
  'Right ankle', 'Right knee', 'Right hip', 'Left hip', 'Left knee', 'Left ankle',
  'Right wrist', 'Right elbow', 'Right shoulder', 'Left shoulder', 'Left elbow', 'Left wrist',
  'Neck', 'Head top',
] as const;

/** Limbs for drawing (CPM's list made 0-based; docs/data-and-evaluation.md#joints): head–neck, arms and legs. */
export const CPM_LIMBS: readonly (readonly [number, number])[] = [
  [0, 1], [2, 3], [3, 4], [5, 6], [6, 7], [8, 9], [9, 10], [11, 12], [12, 13],
];

/** Extra segments drawn only for readability: neck–shoulders, shoulders–hips, hip–hip. */
export const CPM_TORSO_SEGMENTS: readonly (readonly [number, number])[] = [
  [1, 2], [1, 5], [2, 8], [5, 11], [8, 11],
];

/** Left/right partner of each joint (for flips). */
export const CPM_FLIP_PAIRS: readonly number[] = [0, 1, 5, 6, 7, 2, 3, 4, 11, 12, 13, 8, 9, 10];

/** Part groups of the LSP / MPII tables: each row averages its joints' PCK (Head = head top and neck). */
export const PART_GROUPS: readonly { readonly name: string; readonly joints: readonly number[] }[] = [
  { name: 'Head', joints: [J.headTop, J.neck] },
  { name: 'Shoulder', joints: [J.rShoulder, J.lShoulder] },
  { name: 'Elbow', joints: [J.rElbow, J.lElbow] },
  { name: 'Wrist', joints: [J.rWrist, J.lWrist] },
  { name: 'Hip', joints: [J.rHip, J.lHip] },
  { name: 'Knee', joints: [J.rKnee, J.lKnee] },
  { name: 'Ankle', joints: [J.rAnkle, J.lAnkle] },
];

/** Normalises a joint name for matching: lower case, single spaces, common abbreviations expanded. */
export function canonicalJointName(name: string): string {
  const n = name.trim().toLowerCase().replace(/[_\-]+/g, ' ').replace(/\s+/g, ' ');
  const aliases: Record<string, string> = {
    'head': 'head top', 'head_top': 'head top', 'headtop': 'head top', 'top of head': 'head top',
    'upper neck': 'neck',
  };
  const short = n
    .replace(/^r /, 'right ').replace(/^l /, 'left ')
    .replace(/^rsho$/, 'right shoulder').replace(/^lsho$/, 'left shoulder')
    .replace(/^relb$/, 'right elbow').replace(/^lelb$/, 'left elbow')
    .replace(/^rwri$/, 'right wrist').replace(/^lwri$/, 'left wrist')
    .replace(/^rhip$/, 'right hip').replace(/^lhip$/, 'left hip')
    .replace(/^rkne$/, 'right knee').replace(/^lkne$/, 'left knee')
    .replace(/^rank$/, 'right ankle').replace(/^lank$/, 'left ankle');
  return aliases[short] ?? short;
}

/** Short labels for pictures (5×7 font): HEAD, NECK, RSHO … LANK. */
export const CPM_JOINT_SHORT_NAMES = [
  'HEAD', 'NECK', 'RSHO', 'RELB', 'RWRI', 'LSHO', 'LELB', 'LWRI', 'RHIP', 'RKNE', 'RANK', 'LHIP', 'LKNE', 'LANK',
] as const;
