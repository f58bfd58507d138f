// Text rendering of PCK tables: the LSP/MPII layout (Head … Ankle, Total), one row per model or stage.
import { CPM_JOINT_NAMES } from '../pose/joints.js';
import { PART_GROUPS, type PckTable } from './pck.js';

const fmt = (v: number, d: number) => (Number.isFinite(v) ? v.toFixed(d) : '-');

/** Rows labelled by model/stage; columns Head, Shoulder, Elbow, Wrist, Hip, Knee, Ankle, Total. */
export function formatPartTable(rows: readonly { label: string; table: PckTable }[], decimals = 2): string {
  const labelW = Math.max(6, ...rows.map((r) => r.label.length));
  const cols = [...PART_GROUPS.map((g) => g.name), 'Total'];
  const head = `${''.padEnd(labelW)}  ${cols.map((c) => c.padStart(9)).join('')}`;
  const lines = rows.map(
    (r) => `${r.label.padEnd(labelW)}  ${[...r.table.parts.map((p) => p.pck), r.table.total].map((v) => fmt(v, decimals).padStart(9)).join('')}`,
  );
  return [head, ...lines].join('\n');
}

/** One line per joint (CPM order): name, correct/counted, PCK. */
export function formatJointTable(table: PckTable, decimals = 2): string {
  const lines = CPM_JOINT_NAMES.map(
    (n, j) =>
      `${n.padEnd(15)} ${String(table.correct[j]).padStart(6)} / ${String(table.counted[j]).padEnd(6)} ${fmt(table.perJoint[j]!, decimals).padStart(7)}`,
  );
  lines.push(
    `${'Total'.padEnd(15)} ${String(table.correct.reduce((a, b) => a + b, 0)).padStart(6)} / ${String(table.counted.reduce((a, b) => a + b, 0)).padEnd(6)} ${fmt(table.total, decimals).padStart(7)}`,
  );
  return lines.join('\n');
}

/** Per-joint PCK reordered to another list of joint names (e.g. LSP_JOINT_NAMES, to compare with the LSP README). */
export function perJointInOrder(table: PckTable, names: readonly string[]): number[] {
  return names.map((n) => {
    const j = (CPM_JOINT_NAMES as readonly string[]).indexOf(n);
    if (j < 0) throw new Error(`perJointInOrder: unknown joint "${n}"`);
    return table.perJoint[j]!;
  });
}
