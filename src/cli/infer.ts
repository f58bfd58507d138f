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
