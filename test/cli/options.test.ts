// The option tables: every command refuses unknown options (suggesting the nearest) and bad values by
// name, and its --help lists exactly the options its parser takes. No GPU needed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BENCH_COMMAND } from '../../bench/run.js';
import { DATA_BENCH_COMMAND, DATA_GRID_COMMAND } from '../../src/cli/data.js';
import { EVAL_MEAN_POSE_COMMAND, EVAL_SCORE_COMMAND } from '../../src/cli/eval.js';
import { GRADIENTS_COMMAND } from '../../src/cli/gradients.js';
import { EVALUATE_COMMAND, INFER_COMMAND } from '../../src/cli/infer.js';
import { MAIN_COMMAND } from '../../src/cli/mainjob.js';
import { formatHelp, parseCommand, UsageError, type Command } from '../../src/cli/options.js';
import { SERVE_COMMAND } from '../../src/cli/serve.js';
import { MODEL_COMMAND, TENSORS_COMMAND, TRAIN_COMMAND, trainCommand } from '../../src/cli/train.js';
import { openDataset } from '../../src/data/index.js';
import { LSPET_DIR } from '../data/helpers.js';

const COMMANDS: Command[] = [
  MAIN_COMMAND,
  TRAIN_COMMAND,
  GRADIENTS_COMMAND,
  INFER_COMMAND,
  EVALUATE_COMMAND,
  EVAL_SCORE_COMMAND,
  EVAL_MEAN_POSE_COMMAND,
  DATA_GRID_COMMAND,
  DATA_BENCH_COMMAND,
  TENSORS_COMMAND,
  MODEL_COMMAND,
  SERVE_COMMAND,
  BENCH_COMMAND,
];

/** What each command needs besides the option under test. */
const NEEDS: Record<string, string[]> = {
  infer: ['a.jpg', '--checkpoint', 'c'],
  evaluate: ['--checkpoint', 'c'],
  'eval score': ['--pred', 'p', '--gt', 'g'],
  'eval mean-pose': ['--gt', 'g', '--train', '0:5', '--eval', '5:9'],
  tensors: ['in', 'out'],
};

function refusal(cmd: Command, argv: string[]): string {
  try {
    parseCommand(cmd, [...(NEEDS[cmd.name] ?? []), ...argv]);
  } catch (e) {
    assert.instance(e, UsageError, String(e));
    return (e as Error).message;
  }
  assert.unreachable(`${cmd.name} ${argv.join(' ')} was accepted`);
  return '';
}

test('every command refuses a misspelt option, naming it and the nearest known one', () => {
  for (const cmd of COMMANDS) {
    const names = Object.keys(cmd.options);
    if (names.length === 0) {
      assert.match(refusal(cmd, ['--frob']), /unknown option --frob/);
      continue;
    }
    const longest = names.reduce((a, b) => (b.length > a.length ? b : a));
    const typo = `--${longest.slice(0, -1)}`;
    const msg = refusal(cmd, [typo, '1']);
    assert.ok(msg.startsWith(`${cmd.name}: unknown option ${typo}; did you mean --${longest}?`), msg);
  }
  assert.match(refusal(TRAIN_COMMAND, ['--step', '10']), /did you mean --steps\?/);
  assert.match(refusal(BENCH_COMMAND, ['--cases', '(']), /^bench: --cases: "\(" is not a regular expression/);
});

test('every numeric option of every command refuses a value out of its range or not a number', () => {
  let checked = 0;
  for (const cmd of COMMANDS) {
    for (const [name, o] of Object.entries(cmd.options)) {
      if (o.kind !== 'int' && o.kind !== 'real') continue;
      assert.match(refusal(cmd, [`--${name}`, 'abc']), new RegExp(`^${cmd.name}: --${name} must be a number, got "abc"`));
      const below = o.kind === 'int' ? o.min - 1 : (o.above ?? o.min ?? 0) - 1;
      assert.match(refusal(cmd, [`--${name}`, String(below)]), new RegExp(`--${name} must be [≥>] `));
      if (o.kind === 'int')
        assert.match(refusal(cmd, [`--${name}`, String(o.min + 0.5)]), new RegExp(`--${name} must be a whole number, got "${o.min + 0.5}"`));
      checked++;
    }
  }
  assert.ok(checked >= 30, `${checked} numeric options`);
});

test("the issue's cases: fractional, zero and negative counts, non-positive rates, unknown enum values, bad lists", () => {
  assert.match(refusal(TRAIN_COMMAND, ['--steps', '2.5']), /--steps must be a whole number/);
  assert.match(refusal(TRAIN_COMMAND, ['--steps', '0']), /--steps must be ≥ 1, got "0"/);
  assert.match(refusal(TRAIN_COMMAND, ['--micro-batch', '0']), /--micro-batch must be ≥ 1/);
  assert.match(refusal(EVALUATE_COMMAND, ['--count', '-5']), /--count must be ≥ 1, got "-5"/);
  assert.match(refusal(TRAIN_COMMAND, ['--lr', '0']), /--lr must be > 0/);
  assert.match(refusal(TRAIN_COMMAND, ['--sigma', '-1']), /--sigma must be > 0/);
  assert.match(refusal(EVAL_SCORE_COMMAND, ['--alpha', '0']), /--alpha must be > 0/);
  assert.match(refusal(TRAIN_COMMAND, ['--steps', '1e400']), /--steps must be a whole number/);
  assert.match(refusal(TRAIN_COMMAND, ['--steps', '']), /--steps must be a number, got ""/);
  assert.match(refusal(INFER_COMMAND, ['--subpixel', 'quadratc']), /--subpixel must be one of none \| quadratic \| gaussian \(did you mean quadratic\?\)/);
  assert.match(refusal(EVALUATE_COMMAND, ['--upsample', 'nearest']), /--upsample must be one of none \| bilinear \| bicubic, got "nearest"/);
  assert.match(refusal(EVALUATE_COMMAND, ['--joints', 'some']), /--joints must be one of/);
  assert.match(refusal(DATA_GRID_COMMAND, ['--split', 'trian']), /--split must be one of .*did you mean train/);
  assert.match(refusal(DATA_GRID_COMMAND, ['--size', '33']), /^data grid: --size must be a multiple of 8, got "33"/);
  for (const bad of ['1,,2', '1,a', '0', '-1', ''])
    assert.match(refusal(INFER_COMMAND, [`--scales=${bad}`]), /--scales must be comma-separated positive numbers or reference/);
  assert.equal(parseCommand(INFER_COMMAND, [...NEEDS.infer!, '--scales', 'reference'])!.values.scales, [0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3]);
  assert.match(refusal(TRAIN_COMMAND, ['--dataset', 'd', '--range', '5:2']), /--range must be FROM:TO with 1 ≤ FROM ≤ TO/);
  assert.match(refusal(TRAIN_COMMAND, ['--dataset', 'd', '--range', '1-']), /--range must look like 2501:3000/);
  try {
    parseCommand(EVAL_MEAN_POSE_COMMAND, ['--gt', 'g', '--train', '5:5', '--eval', '0:3']);
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /--train: the range 5:5 is empty/);
  }
  assert.match(refusal(INFER_COMMAND, ['--beliefs', 'rwri,elbow']), /--beliefs: unknown joint "elbow"/);
});

test('options that cannot go together, that need another, that repeat, or that take no value are refused by name', () => {
  assert.match(refusal(TRAIN_COMMAND, ['--last-stage-only', '--strategy', 'e2e']), /--last-stage-only and --strategy cannot be given together/);
  assert.match(refusal(TRAIN_COMMAND, ['--resume-anyway']), /--resume-anyway needs --resume/);
  assert.match(refusal(TRAIN_COMMAND, ['--range', '1:5']), /--range needs --dataset/);
  assert.match(refusal(EVALUATE_COMMAND, ['--train-range', '1:5']), /--train-range needs --dataset/);
  assert.match(refusal(TENSORS_COMMAND, ['--checkpoint', 'c', '--seed', '3']), /--checkpoint and --seed cannot be given together/);
  assert.match(refusal(DATA_GRID_COMMAND, ['--dataset', 'd', '--split', 'val', '--range', '1:5']), /--split and --range cannot be given together/);
  assert.match(refusal(TRAIN_COMMAND, ['--steps', '3', '--steps', '4']), /--steps is given more than once/);
  assert.match(refusal(TRAIN_COMMAND, ['--quiet=yes']), /--quiet takes no value/);
  assert.match(refusal(TRAIN_COMMAND, ['--steps']), /--steps needs a value/);
  assert.match(refusal(TRAIN_COMMAND, ['--steps', '--quiet']), /--steps needs a value/);
  assert.match(refusal(TRAIN_COMMAND, ['stray']), /unexpected argument "stray"/);
  assert.match(refusal(INFER_COMMAND, ['--checkpoint', 'x']), /--checkpoint is given more than once/);
  try {
    parseCommand(INFER_COMMAND, ['a.jpg']);
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /infer: missing --checkpoint FILE/);
  }
  try {
    parseCommand(TENSORS_COMMAND, ['only-one']);
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /tensors: needs 2 files/);
  }
});

test('parsed values are typed and defaulted from the table', () => {
  const a = parseCommand(TRAIN_COMMAND, ['--steps=7', '--lr', '1e-3', '--no-augment', '--dataset', 'd', '--range', '1:2500'])!;
  assert.is(a.values.steps, 7);
  assert.is(a.values.lr, 1e-3);
  assert.is(a.values.batch, 16);
  assert.is(a.values['no-augment'], true);
  assert.is(a.values.quiet, false);
  assert.is(a.values.optimizer, undefined);
  assert.equal(a.values.range, [1, 2500]);
  assert.ok(a.given('steps') && !a.given('batch'));
});

test("--help is made from the same table: every option, its kind's value name, its allowed values and default", () => {
  for (const cmd of COMMANDS) {
    const help = formatHelp(cmd);
    for (const [name, o] of Object.entries(cmd.options)) {
      const line = help.split('\n').find((l) => l.trimStart().startsWith(`--${name}`) && /^\s+--\S+( \S+)?(\s|$)/.test(l));
      assert.ok(line, `${cmd.name} --help has no line for --${name}`);
      if ('default' in o && o.default !== undefined && !Array.isArray(o.default))
        assert.ok(help.includes(`default ${String(o.default)}`), `${cmd.name} --${name}: default`);
      if (o.kind === 'choice') assert.ok(help.includes(o.choices.join(' | ')), `${cmd.name} --${name}: choices`);
    }
  }
  const log = console.log;
  let printed = '';
  console.log = (s: string) => {
    printed += s;
  };
  try {
    assert.is(parseCommand(TRAIN_COMMAND, ['--steps', '3', '--help']), undefined);
  } finally {
    console.log = log;
  }
  assert.is(printed, formatHelp(TRAIN_COMMAND));
});

test('ranges inside the dataset, and a micro-batch no larger than the batch', async () => {
  const e = (() => {
    try {
      openDataset(LSPET_DIR, { range: [2990, 4000] });
    } catch (x) {
      return x as Error;
    }
    return null;
  })();
  assert.match(e?.message ?? 'accepted', /joints\.json: range 2990:4000 goes past the last entry \(the file has 3000\)/);
  assert.is(openDataset(LSPET_DIR, { range: [2990, 3000] }).length, 11);
  const m = await trainCommand(['--batch', '4', '--micro-batch', '8']).then(
    () => 'accepted',
    (x: Error) => x.message,
  );
  assert.is(m, 'train: --micro-batch 8 is larger than --batch 4');
});

test.run();
