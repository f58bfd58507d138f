// `cpm infer`: image(s) in, JSON keypoints out; optionally the skeleton over each image and each
// stage's belief maps.
import { basename, join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { loadCheckpoint } from '../cpm/checkpoint-file.js';
import { CpmModel } from '../cpm/model.js';
import { personFromImageFrame } from '../data/annotation.js';
import { readImageFile } from '../data/node/files.js';
import type { RawSample } from '../data/types.js';
import { buildPredictionsJson } from '../eval/predictionsFormat.js';
import { CPM_JOINT_SHORT_NAMES } from '../eval/joints.js';
import type { SubpixelMethod } from '../eval/keypoints.js';
import { predictPose, REFERENCE_SCALES } from '../infer/predict.js';
import { skeletonOverlay, stageBeliefs } from '../infer/pictures.js';
import { writeFileAtomic } from '../io/files.js';
import { init } from '../index.node.js';
import { encodePng } from '../viz/png.js';
import { parseFlags } from './args.js';

const HELP = `cpm infer IMAGE... --checkpoint FILE [options]

Predicts the 14 joints of the person in each image (centre: the image centre; scale: the image
height maps to 0.8 of the crop, the LSP rule) and writes them as a predictions JSON file.

  --checkpoint FILE   trained model (safetensors with its configuration)
  --out DIR           where to write predictions.json and pictures (default out/infer)
  --overlay           also write <image>-skeleton.png
  --beliefs J,J,...   also write <image>-beliefs.png with each stage's maps for these joints (names or indices, e.g. rwri,rank,head)
  --scales LIST       test-time scales, e.g. 0.7,0.8,0.9,1,1.1,1.2,1.3 or "reference" (default 1)
  --subpixel METHOD   none | quadratic | gaussian (default none)
  --adapter NAME
`;

function jointIndices(list: string): number[] {
  return list.split(',').map((s) => {
    const i = /^\d+$/.test(s) ? Number(s) : CPM_JOINT_SHORT_NAMES.findIndex((n) => n.toLowerCase() === s.toLowerCase());
    if (!(i >= 0 && i < 15)) throw new Error(`--beliefs: unknown joint "${s}" (names: ${CPM_JOINT_SHORT_NAMES.join(', ')})`);
    return i;
  });
}

export async function inferCommand(argv: string[]): Promise<void> {
  const f = parseFlags(argv, ['overlay']);
  if (f.has('help') || f.positional.length === 0) return void console.log(HELP);
  const ckPath = f.required('checkpoint');
  const ck = loadCheckpoint(ckPath);
  const engine = await init({ adapter: f.string('adapter') });
  const model = new CpmModel(engine, ck.config);
  model.load(ck.params, ckPath);
  const out = f.string('out') ?? 'out/infer';
  mkdirSync(out, { recursive: true });
  const scalesFlag = f.string('scales');
  const scales = scalesFlag === 'reference' ? REFERENCE_SCALES : scalesFlag ? scalesFlag.split(',').map(Number) : [1];
  const subpixel = (f.string('subpixel') ?? 'none') as SubpixelMethod;
  const predictions = [];
  for (const file of f.positional) {
    const image = readImageFile(file);
    const raw: RawSample = { id: basename(file), image, persons: [personFromImageFrame(new Float32Array(42), image.width, image.height)], main: 0 };
    const r = await predictPose(model, raw, { scales, subpixel });
    predictions.push({ file: basename(file), joints: r.pose, stages: r.stages });
    const stem = join(out, basename(file).replace(/\.[^.]+$/, ''));
    if (f.has('overlay')) writeFileAtomic(`${stem}-skeleton.png`, encodePng(skeletonOverlay(image, r.pose)));
    const joints = f.string('beliefs');
    if (joints) writeFileAtomic(`${stem}-beliefs.png`, encodePng(stageBeliefs(r.sample, r.beliefs, jointIndices(joints))));
  }
  const json = join(out, 'predictions.json');
  writeFileAtomic(json, JSON.stringify(buildPredictionsJson(predictions, ck.config.name), null, 1));
  console.log(`wrote ${json}${f.has('overlay') ? ' and skeleton pictures' : ''}${f.string('beliefs') ? ' and belief pictures' : ''} in ${out}`);
}

const EVALUATE_HELP = `cpm evaluate --checkpoint FILE [--dataset DIR] [options]

Runs the model on a dataset (default: generated validation people) and prints PCK per stage beside
the mean-pose floor (fitted on the training split of the same dataset).

  --dataset DIR       LSP / LSPet / MPII folder
  --range A:B         1-based inclusive entries to evaluate (e.g. 2501:3000 for LSPet validation)
  --train-range A:B   entries the mean pose is fitted on (default: the dataset's training split)
  --count N           evaluate at most N images
  --alpha X           PCK threshold (default 0.2)
  --joints all|visible  (default visible)
  --scales LIST, --subpixel METHOD, --upsample none|bilinear|bicubic
`;

function rangeFlag(v: string | undefined): [number, number] | undefined {
  const m = v ? /^(\d+):(\d+)$/.exec(v) : null;
  if (v && !m) throw new Error(`a range must look like 2501:3000, got "${v}"`);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export async function evaluateCommand(argv: string[]): Promise<void> {
  const f = parseFlags(argv);
  if (f.has('help')) return void console.log(EVALUATE_HELP);
  const { evaluateModel, fitMeanPoseOn } = await import('../cpm/evaluate.js');
  const { openDataset } = await import('../data/index.js');
  const { formatPartTable } = await import('../eval/table.js');
  const ckPath = f.required('checkpoint');
  const ck = loadCheckpoint(ckPath);
  const engine = await init({ adapter: f.string('adapter') });
  const model = new CpmModel(engine, ck.config);
  model.load(ck.params, ckPath);
  const dir = f.string('dataset');
  const imageSize = Math.round(ck.config.inputSize * 1.25);
  const range = rangeFlag(f.string('range'));
  const trainRange = rangeFlag(f.string('train-range'));
  const evalSet = dir ? openDataset(dir, range ? { range } : { split: 'val' }) : openDataset(undefined, { split: 'val', imageSize, count: f.number('count', 200) });
  const trainSet = dir ? openDataset(dir, trainRange ? { range: trainRange } : { split: 'train' }) : openDataset(undefined, { split: 'train', imageSize });
  const scalesFlag = f.string('scales');
  const ev = await evaluateModel(model, evalSet, {
    count: f.number('count', evalSet.length), alpha: f.number('alpha', 0.2), joints: (f.string('joints') ?? 'visible') as 'visible' | 'all',
    scales: scalesFlag === 'reference' ? REFERENCE_SCALES : scalesFlag ? scalesFlag.split(',').map(Number) : [1],
    subpixel: (f.string('subpixel') ?? 'none') as SubpixelMethod, upsample: (f.string('upsample') ?? 'bilinear') as 'none' | 'bilinear' | 'bicubic',
  }, await fitMeanPoseOn(trainSet, 1000));
  console.log(`${ev.truths.length} persons of ${evalSet.name}; PCK@${f.number('alpha', 0.2)}`);
  console.log(formatPartTable([...ev.stages.map((table, t) => ({ label: `stage ${t + 1}`, table })), { label: 'mean pose', table: ev.meanPose! }]));
}
