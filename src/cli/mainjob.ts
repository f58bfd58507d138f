// The main job: train a small CPM on the built-in generated people for 3–9 minutes, evaluate it
// per stage beside the mean-pose floor, and write the pictures (loss curves, a skeleton overlay,
// per-stage belief maps). Works on a fresh machine with no dataset.
import { join } from 'node:path';
import { getConfig } from '../cpm/config.js';
import { evaluateModel, fitMeanPoseOn } from '../cpm/evaluate.js';
import { train } from '../cpm/train.js';
import { openDataset } from '../data/index.js';
import { formatPartTable } from '../eval/table.js';
import { predictPose } from '../infer/predict.js';
import { skeletonOverlay, stageBeliefs } from '../infer/pictures.js';
import { writeFileAtomic } from '../io/files.js';
import { init } from '../index.node.js';
import { encodePng } from '../viz/png.js';
import { ADAPTER, choice, flag, int, parseCommand, text, type Command } from './options.js';
import { progressBar } from './progress.js';
import { interruptible } from './run.js';
import { CONFIG_NAMES } from './train.js';

/** `cpm main`'s options. */
export const MAIN_COMMAND = {
  name: 'main',
  usage: 'cpm main [options]',
  summary:
    'Trains cpm-mini on generated people (900 steps: 3–9 minutes on lavapipe; lr × 0.2 after 80 %), evaluates it per stage\n' +
    'beside the mean-pose floor and draws pictures into DIR.',
  options: {
    steps: int('training steps', { min: 1, default: 900 }),
    batch: int('images per step', { min: 1, default: 4 }),
    config: choice(CONFIG_NAMES, 'configuration', { default: 'cpm-mini' }),
    eval: int('validation images', { min: 3, default: 100 }),
    out: text('output folder', { metavar: 'DIR', default: 'runs/main' }),
    seed: int('seed', { min: 0, default: 0 }),
    resume: flag('continue from DIR/checkpoint.safetensors exactly'),
    'resume-anyway': flag("resume even when the checkpoint's configuration, batch or seed differ", { requires: 'resume' }),
    ...ADAPTER,
  },
} as const satisfies Command;

export async function mainJob(argv: string[]): Promise<void> {
  const a = parseCommand(MAIN_COMMAND, argv);
  if (!a) return;
  const { steps, batch: batchSize, out, seed, eval: count } = a.values;
  const engine = await init({ adapter: a.values.adapter });
  console.log(engine.describe());
  const config = getConfig(a.values.config);
  console.log(`\ntraining ${config.name} on generated people: ${steps} steps × ${batchSize} images → ${out}`);
  // σ of one grid cell (8 px at 128): the paper's 7·S/368 is a third of a cell at this size and learns far slower.
  const sigma = (8 * config.inputSize) / 128;
  // No augmentation: every generated image is new, and warping them only slowed learning (PCK 32 vs 40 at 300 steps).
  const run = await interruptible((signal) =>
    train(engine, {
      config,
      steps,
      batchSize,
      out,
      seed,
      resume: a.values.resume,
      resumeAnyway: a.values['resume-anyway'],
      signal,
      checkpointEvery: 50,
      workers: 1,
      onStep: progressBar(steps),
      lr: 3e-3,
      stepSize: Math.round(0.8 * steps),
      gamma: 0.2,
      sigma,
      augment: false,
    }),
  );
  const last = run.records.at(-1);
  if (last) console.log(`trained at ${last.imagesPerSecond.toFixed(1)} images/s; final losses per stage ${last.stages.map((v) => v.toFixed(3)).join(' / ')}`);

  const size = config.inputSize;
  const imageSize = Math.round(size * 1.25);
  console.log(`\nevaluating on ${count} generated validation images (PCK@0.2, visible joints; argmax with quadratic sub-pixel refinement)`);
  const meanPose = await fitMeanPoseOn(openDataset(undefined, { seed, split: 'train', imageSize }), 500);
  const val = openDataset(undefined, { seed, split: 'val', imageSize, count });
  const readout = { upsample: 'none', subpixel: 'quadratic' } as const;
  const ev = await evaluateModel(run.model, val, { count, ...readout }, meanPose);
  const rows = [...ev.stages.map((table, t) => ({ label: `stage ${t + 1}`, table })), { label: 'mean pose', table: ev.meanPose! }];
  console.log(formatPartTable(rows));
  const summary = {
    config: config.name,
    steps,
    imagesPerSecond: last?.imagesPerSecond,
    finalLosses: last?.stages,
    pck: Object.fromEntries(ev.stages.map((t, i) => [`stage${i + 1}`, t.total])),
    meanPosePck: ev.meanPose!.total,
  };
  writeFileAtomic(join(out, 'summary.json'), JSON.stringify(summary, null, 2));

  const pictures: string[] = [];
  for (let i = 0; i < 3; i++) {
    const raw = await val.load(i);
    const r = await predictPose(run.model, raw, readout);
    const overlay = join(out, `val${i}-skeleton.png`);
    const beliefs = join(out, `val${i}-beliefs.png`);
    writeFileAtomic(overlay, encodePng(skeletonOverlay(raw.image, r.pose)));
    writeFileAtomic(beliefs, encodePng(stageBeliefs(r.sample, r.beliefs)));
    pictures.push(overlay, beliefs);
  }
  console.log(
    `\nwrote:\n  ${run.checkpoint} (checkpoint)\n  ${join(out, 'train.jsonl')} (every step)\n  ${join(out, 'loss.png')} (loss per stage)\n  ${join(out, 'summary.json')}\n  ${pictures.join('\n  ')}`,
  );
}
