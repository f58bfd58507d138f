// `cpm eval …`: score a predictions file against ground truth (tables, PCK curve PNG + JSON), and the mean-pose floor.
// Runnable on its own: npx tsx src/cli/eval.ts score --pred FILE --gt FILE [--alpha 0.2] [--out DIR]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  boxOfJoints, buildPredictionsJson, fitMeanPose, formatJointTable, formatPartTable, frameFromBox, headSizeNormalizer,
  jointErrors, matchPredictions, pckCurve, pckFromErrors, predictMeanPose, thresholdRange, torsoNormalizer,
  type JointSelection, type Normalizer, type PckCurve, type PckTable, type PersonTruth, type Pose, type PosePrediction,
} from '../eval/index.js';
import { readGroundTruthFile, readPredictionsFile } from '../eval/files.js';
import { renderPckCurve } from '../viz/index.js';
import { writePng } from '../viz/files.js';

const HELP = `cpm eval: scoring

usage:
  cpm eval score --pred FILE --gt FILE [options]
      Scores every prediction set in FILE (our "cpm-predictions" JSON, or the CPM reference predictions.json)
      against the ground truth (LSP/LSPet joints.json schema). Prints the per-part and per-joint tables; with
      --out writes <set>-curve.png and <set>-curve.json (curve, table, options). Per-stage tables when the file has stages.
  cpm eval mean-pose --gt FILE --train RANGE --eval RANGE [options]
      The mean-pose floor: fits the average pose (normalised by the visible joints' box) on the --train images and
      places it in each --eval image's box. Prints its score; --write FILE saves it as a predictions file.

options:
  --metric pck|pckh     PCK (torso-normalised, LSP) or PCKh (head-normalised, MPII); default pck
  --alpha A             threshold; default 0.2 for pck, 0.5 for pckh
  --joints all|visible  'all' = LSP benchmark (every joint, visibility ignored; default for pck);
                        'visible' = visible joints only, images with both torso joints visible (LSPet / training
                        calibration; default for pckh)
  --split NAME          keep only ground-truth images whose "split" is NAME (e.g. test)
  --model NAME          score only this set of a multi-model predictions file
  --max-threshold T     curve from 0 to T; default 0.5 (pck) or 1 (pckh)
  --out DIR             write curve PNG + JSON there
  --train/--eval RANGE  (mean-pose) a split name, or a 0-based half-open index range "a:b" of the ground-truth images
  --write FILE          (mean-pose) write the baseline's predictions
  --help                this text
`;

interface Flags { readonly [name: string]: string | undefined }

function parseFlags(argv: readonly string[]): { positional: string[]; flags: Flags } {
  const flags: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') flags.help = 'true';
    else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags[a.slice(2, eq)] = a.slice(eq + 1);
      else {
        const v = argv[i + 1];
        if (v === undefined || v.startsWith('--')) throw new Error(`option ${a} needs a value`);
        flags[a.slice(2)] = v; i++;
      }
    } else positional.push(a);
  }
  return { positional, flags };
}

function required(flags: Flags, name: string): string {
  const v = flags[name];
  if (v === undefined) throw new Error(`missing --${name}; run with --help`);
  return v;
}

interface Metric { name: string; alpha: number; selection: JointSelection; normalizer: Normalizer; maxThreshold: number }

function metricFrom(flags: Flags): Metric {
  const kind = flags.metric ?? 'pck';
  if (kind !== 'pck' && kind !== 'pckh') throw new Error(`--metric must be pck or pckh, got "${kind}"`);
  const selection = (flags.joints ?? (kind === 'pck' ? 'all' : 'visible')) as JointSelection;
  if (selection !== 'all' && selection !== 'visible') throw new Error(`--joints must be all or visible, got "${selection}"`);
  const alpha = flags.alpha === undefined ? (kind === 'pck' ? 0.2 : 0.5) : Number(flags.alpha);
  if (!(alpha > 0)) throw new Error(`--alpha must be a positive number, got "${flags.alpha}"`);
  const maxThreshold = flags['max-threshold'] === undefined ? (kind === 'pck' ? 0.5 : 1) : Number(flags['max-threshold']);
  return {
    name: `${kind === 'pck' ? 'PCK' : 'PCKh'}@${alpha}${selection === 'visible' && kind === 'pck' ? ' (visible joints)' : ''}`,
    alpha, selection, maxThreshold,
    normalizer: kind === 'pck' ? torsoNormalizer(selection) : headSizeNormalizer(),
  };
}

interface Scored { table: PckTable; curve: PckCurve }

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
  mkdirSync(outDir, { recursive: true });
  const base = join(outDir, `${label.replace(/[^A-Za-z0-9._-]+/g, '_')}-curve`);
  const curves = stages.length > 0
    ? stages.map((s, t) => ({ label: `STAGE ${t + 1}`, curve: s.curve }))
    : [{ label: label.toUpperCase(), curve: main.curve }];
  writePng(`${base}.png`, renderPckCurve(curves, { lines: stages.length > 0 ? 'total' : 'parts', title: `${label.toUpperCase()}: ${main.curve.metric} CURVE` }));
  writeFileSync(`${base}.json`, JSON.stringify({
    label, metric: m.name, alpha: m.alpha, joints: m.selection, ...extra,
    table: main.table, curve: main.curve, stages: stages.map((s) => ({ table: s.table, curve: s.curve })),
  }, null, 1));
  console.log(`\nwrote ${base}.png and ${base}.json`);
}

function scoreCommand(flags: Flags): void {
  const predPath = resolve(required(flags, 'pred'));
  const gtPath = resolve(required(flags, 'gt'));
  const m = metricFrom(flags);
  const truths = readGroundTruthFile(gtPath, flags.split === undefined ? {} : { split: flags.split });
  let sets = readPredictionsFile(predPath);
  if (flags.model !== undefined) {
    sets = sets.filter((s) => s.name === flags.model);
    if (sets.length === 0) throw new Error(`${predPath}: no prediction set named "${flags.model}"`);
  }
  for (const set of sets) {
    const matched = matchPredictions(set.predictions, truths, predPath);
    const main = score(matched.predictions, matched.truths, m);
    const stages = (matched.stages ?? []).map((s) => score(s, matched.truths, m));
    report(set.name, main, stages, m, flags.out, { predictions: predPath, ground_truth: gtPath });
  }
}

function selectImages(truths: readonly PersonTruth[], spec: string, splitOf: (t: PersonTruth) => string | undefined): PersonTruth[] {
  const range = /^(\d+):(\d+)$/.exec(spec);
  if (range) return truths.slice(Number(range[1]), Number(range[2]));
  return truths.filter((t) => splitOf(t) === spec);
}

function meanPoseCommand(flags: Flags): void {
  const gtPath = resolve(required(flags, 'gt'));
  const m = metricFrom({ ...flags, joints: flags.joints ?? 'visible' });
  const all = readGroundTruthFile(gtPath);
  // Split names are looked up per file; the split field is kept out of PersonTruth, so re-read by split.
  const bySplit = new Map<string, string>();
  for (const name of new Set([flags.train, flags.eval])) {
    if (name === undefined || /^\d+:\d+$/.test(name)) continue;
    for (const t of readGroundTruthFile(gtPath, { split: name })) bySplit.set(t.file, name);
  }
  const train = selectImages(all, required(flags, 'train'), (t) => bySplit.get(t.file));
  const evalSet = selectImages(all, required(flags, 'eval'), (t) => bySplit.get(t.file));
  const framed = (t: PersonTruth) => { const b = boxOfJoints(t.joints, t.visible); return b ? frameFromBox(b) : null; };
  const mean = fitMeanPose(train.flatMap((t) => { const frame = framed(t); return frame ? [{ joints: t.joints, visible: t.visible, frame }] : []; }));
  const scored = evalSet.filter((t) => framed(t) !== null);
  const preds: PosePrediction[] = scored.map((t) => ({ file: t.file, joints: predictMeanPose(mean, framed(t)!) }));
  console.log(`mean pose fitted on ${train.length} images, placed in ${preds.length} evaluation images' visible-joint boxes`);
  report('mean-pose', score(preds.map((p) => p.joints), scored, m), [], m, flags.out, { ground_truth: gtPath, train: flags.train, eval: flags.eval });
  if (flags.write) {
    writeFileSync(flags.write, JSON.stringify(buildPredictionsJson(preds, 'mean-pose')));
    console.log(`wrote ${flags.write}`);
  }
}

export async function evalCommand(argv: string[]): Promise<void> {
  const { positional, flags } = parseFlags(argv);
  const sub = positional[0];
  if (flags.help || sub === undefined || sub === 'help') { console.log(HELP); return; }
  if (sub === 'score') return scoreCommand(flags);
  if (sub === 'mean-pose') return meanPoseCommand(flags);
  throw new Error(`unknown eval command "${sub}"; run with --help`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  evalCommand(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
