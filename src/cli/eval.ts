// `cpm eval …`: score a predictions file against ground truth (tables, PCK curve PNG + JSON), and the mean-pose floor.
// Runnable on its own: npx tsx src/cli/eval.ts score --pred FILE --gt FILE [--alpha 0.2] [--out DIR]
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  boxOfJoints,
  buildPredictionsJson,
  fitMeanPose,
  formatJointTable,
  formatPartTable,
  frameFromBox,
  headSizeNormalizer,
  jointErrors,
  matchPredictions,
  pckCurve,
  pckFromErrors,
  predictMeanPose,
  thresholdRange,
  torsoNormalizer,
  type JointSelection,
  type Normalizer,
  type PckCurve,
  type PckTable,
  type PersonTruth,
  type Pose,
  type PosePrediction,
} from '../eval/index.js';
import { readGroundTruthFile, readPredictionsFile } from '../eval/files.js';
import { renderPckCurve } from '../viz/index.js';
import { writePng } from '../viz/files.js';
import { makeFolder, writeFileAtomic } from '../io/files.js';
import { choice, custom, parseCommand, real, suggestion, text, UsageError, type Command, type Values } from './options.js';
import { runCli } from './run.js';

/** 0-based half-open "a:b" of the ground-truth images, or a split name. */
function imageSelection(v: string): string {
  const m = /^(\d+):(\d+)$/.exec(v);
  if (m && Number(m[2]) <= Number(m[1])) throw new Error(`the range ${v} is empty (0-based, half-open: a:b with a < b)`);
  return v;
}

const METRIC_OPTIONS = {
  metric: choice(['pck', 'pckh'], 'PCK (torso-normalised, LSP) or PCKh (head-normalised, MPII)', { default: 'pck' }),
  alpha: real('threshold (default 0.2 for pck, 0.5 for pckh)', { above: 0 }),
  joints: choice(
    ['all', 'visible'],
    "'all' = LSP benchmark (every joint, visibility ignored; default for pck); 'visible' = visible joints only, images with both torso joints visible (default for pckh)",
  ),
  'max-threshold': real('curve from 0 to T (default 0.5 for pck, 1 for pckh)', { above: 0, metavar: 'T' }),
  out: text('write <set>-curve.png and <set>-curve.json there', { metavar: 'DIR' }),
} as const;

/** `cpm eval score`'s options. */
export const EVAL_SCORE_COMMAND = {
  name: 'eval score',
  usage: 'cpm eval score --pred FILE --gt FILE [options]',
  summary:
    'Scores every prediction set in FILE (our "cpm-predictions" JSON, or the CPM reference predictions.json) against the\n' +
    'ground truth (LSP/LSPet joints.json schema). Prints the per-part and per-joint tables; per-stage tables when the file has stages.',
  options: {
    pred: text('predictions file', { metavar: 'FILE', required: true }),
    gt: text('ground-truth file', { metavar: 'FILE', required: true }),
    ...METRIC_OPTIONS,
    split: text('keep only ground-truth images whose "split" is NAME (e.g. test)', { metavar: 'NAME' }),
    model: text('score only this set of a multi-model predictions file', { metavar: 'NAME' }),
  },
} as const satisfies Command;

/** `cpm eval mean-pose`'s options. */
export const EVAL_MEAN_POSE_COMMAND = {
  name: 'eval mean-pose',
  usage: 'cpm eval mean-pose --gt FILE --train RANGE --eval RANGE [options]',
  summary:
    "The mean-pose floor: fits the average pose (normalised by the visible joints' box) on the --train images and places\n" +
    "it in each --eval image's box. Prints its score.",
  options: {
    gt: text('ground-truth file', { metavar: 'FILE', required: true }),
    train: custom(imageSelection, 'images the pose is fitted on: a split name, or a 0-based half-open range a:b', { metavar: 'RANGE', required: true }),
    eval: custom(imageSelection, 'images scored: a split name, or a 0-based half-open range a:b', { metavar: 'RANGE', required: true }),
    ...METRIC_OPTIONS,
    write: text("save the baseline's predictions to FILE", { metavar: 'FILE' }),
  },
} as const satisfies Command;

const HELP = `cpm eval: scoring

usage:
  ${EVAL_SCORE_COMMAND.usage}
  ${EVAL_MEAN_POSE_COMMAND.usage}

Each has --help.
`;

type MetricValues = Values<typeof METRIC_OPTIONS>;

interface Metric {
  name: string;
  alpha: number;
  selection: JointSelection;
  normalizer: Normalizer;
  maxThreshold: number;
}

function metricFrom(flags: MetricValues, defaultJoints?: JointSelection): Metric {
  const kind = flags.metric;
  const selection = flags.joints ?? defaultJoints ?? (kind === 'pck' ? 'all' : 'visible');
  const alpha = flags.alpha ?? (kind === 'pck' ? 0.2 : 0.5);
  const maxThreshold = flags['max-threshold'] ?? (kind === 'pck' ? 0.5 : 1);
  return {
    name: `${kind === 'pck' ? 'PCK' : 'PCKh'}@${alpha}${selection === 'visible' && kind === 'pck' ? ' (visible joints)' : ''}`,
    alpha,
    selection,
    maxThreshold,
    normalizer: kind === 'pck' ? torsoNormalizer(selection) : headSizeNormalizer(),
  };
}

interface Scored {
  table: PckTable;
  curve: PckCurve;
}

function score(preds: readonly Pose[], truths: readonly PersonTruth[], m: Metric): Scored {
  const e = jointErrors(preds, truths, m.normalizer, m.selection);
  return { table: pckFromErrors(e, m.alpha, m.name), curve: pckCurve(e, thresholdRange(m.maxThreshold, 50), m.name.replace(/@.*/, '')) };
}

function report(label: string, main: Scored, stages: readonly Scored[], m: Metric, outDir: string | undefined, extra: object): void {
  console.log(`\n== ${label}: ${m.name}, ${main.table.persons} images ==`);
  const rows = [{ label, table: main.table }, ...stages.map((s, t) => ({ label: `stage ${t + 1}`, table: s.table }))];
  console.log(formatPartTable(rows));
  console.log('');
  console.log(formatJointTable(main.table));
  if (!outDir) return;
  const base = join(outDir, `${label.replace(/[^A-Za-z0-9._-]+/g, '_')}-curve`);
  const curves = stages.length > 0 ? stages.map((s, t) => ({ label: `STAGE ${t + 1}`, curve: s.curve })) : [{ label: label.toUpperCase(), curve: main.curve }];
  writePng(
    `${base}.png`,
    renderPckCurve(curves, { lines: stages.length > 0 ? 'total' : 'parts', title: `${label.toUpperCase()}: ${main.curve.metric} CURVE` }),
  );
  writeFileAtomic(
    `${base}.json`,
    JSON.stringify(
      {
        label,
        metric: m.name,
        alpha: m.alpha,
        joints: m.selection,
        ...extra,
        table: main.table,
        curve: main.curve,
        stages: stages.map((s) => ({ table: s.table, curve: s.curve })),
      },
      null,
      1,
    ),
  );
  console.log(`\nwrote ${base}.png and ${base}.json`);
}

function scoreCommand(argv: string[]): void {
  const a = parseCommand(EVAL_SCORE_COMMAND, argv);
  if (!a) return;
  const flags = a.values;
  if (flags.out) makeFolder(flags.out); // before the work: an output folder that cannot be made fails at once
  const predPath = resolve(flags.pred);
  const gtPath = resolve(flags.gt);
  const m = metricFrom(flags);
  const truths = readGroundTruthFile(gtPath, flags.split === undefined ? {} : { split: flags.split });
  if (flags.split !== undefined && truths.length === 0) throw new UsageError(`eval score: --split ${flags.split}: no image of ${gtPath} is in that split`);
  let sets = readPredictionsFile(predPath);
  if (flags.model !== undefined) {
    const names = sets.map((s) => s.name);
    sets = sets.filter((s) => s.name === flags.model);
    if (sets.length === 0) throw new Error(`${predPath}: no prediction set named "${flags.model}"; ${suggestion(flags.model, names)}`);
  }
  for (const set of sets) {
    const matched = matchPredictions(set.predictions, truths, predPath);
    const main = score(matched.predictions, matched.truths, m);
    const stages = (matched.stages ?? []).map((s) => score(s, matched.truths, m));
    report(set.name, main, stages, m, flags.out, { predictions: predPath, ground_truth: gtPath });
  }
}

function selectImages(truths: readonly PersonTruth[], option: string, spec: string, splitOf: (t: PersonTruth) => string | undefined): PersonTruth[] {
  const range = /^(\d+):(\d+)$/.exec(spec);
  if (range && Number(range[2]) > truths.length) throw new UsageError(`--${option} ${spec} goes past the ground truth's ${truths.length} images`);
  const picked = range ? truths.slice(Number(range[1]), Number(range[2])) : truths.filter((t) => splitOf(t) === spec);
  if (picked.length === 0) throw new UsageError(`--${option} ${spec}: no ground-truth image is in split "${spec}"`);
  return picked;
}

function meanPoseCommand(argv: string[]): void {
  const a = parseCommand(EVAL_MEAN_POSE_COMMAND, argv);
  if (!a) return;
  const flags = a.values;
  if (flags.out) makeFolder(flags.out);
  const gtPath = resolve(flags.gt);
  const m = metricFrom(flags, 'visible');
  const all = readGroundTruthFile(gtPath);
  // Split names are looked up per file; the split field is kept out of PersonTruth, so re-read by split.
  const bySplit = new Map<string, string>();
  for (const name of new Set([flags.train, flags.eval])) {
    if (name === undefined || /^\d+:\d+$/.test(name)) continue;
    for (const t of readGroundTruthFile(gtPath, { split: name })) bySplit.set(t.file, name);
  }
  const train = selectImages(all, 'train', flags.train, (t) => bySplit.get(t.file));
  const evalSet = selectImages(all, 'eval', flags.eval, (t) => bySplit.get(t.file));
  const framed = (t: PersonTruth) => {
    const b = boxOfJoints(t.joints, t.visible);
    return b ? frameFromBox(b) : null;
  };
  const mean = fitMeanPose(
    train.flatMap((t) => {
      const frame = framed(t);
      return frame ? [{ joints: t.joints, visible: t.visible, frame }] : [];
    }),
  );
  const scored = evalSet.filter((t) => framed(t) !== null);
  const preds: PosePrediction[] = scored.map((t) => ({ file: t.file, joints: predictMeanPose(mean, framed(t)!) }));
  console.log(`mean pose fitted on ${train.length} images, placed in ${preds.length} evaluation images' visible-joint boxes`);
  report(
    'mean-pose',
    score(
      preds.map((p) => p.joints),
      scored,
      m,
    ),
    [],
    m,
    flags.out,
    { ground_truth: gtPath, train: flags.train, eval: flags.eval },
  );
  if (flags.write) {
    writeFileAtomic(flags.write, JSON.stringify(buildPredictionsJson(preds, 'mean-pose')));
    console.log(`wrote ${flags.write}`);
  }
}

export async function evalCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') return void console.log(HELP);
  if (sub === 'score') return scoreCommand(rest);
  if (sub === 'mean-pose') return meanPoseCommand(rest);
  throw new UsageError(`unknown eval command "${sub}"; ${suggestion(sub, ['score', 'mean-pose'])}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runCli('eval', () => evalCommand(process.argv.slice(2)));
}
