// Checkpoints by names and shapes alone: a state dict without our metadata (another framework's
// save_file) loads with its configuration inferred from the shapes, and bad shapes are refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getConfig } from '../../src/cpm/config.js';
import { checkpointMetadata, parseCheckpoint } from '../../src/cpm/checkpoint.js';
import { encodeSafetensors, type SafeTensor } from '../../src/io/safetensors.js';
import { init, type Engine } from '../../src/index.node.js';
import { beliefsOf, randomParams } from './caffe-helpers.js';

let engine: Engine;
test.before(async () => {
  engine = await init();
});

const tiny = getConfig('tiny');

test('our checkpoint with its metadata removed loads by shape inference and gives bit-identical beliefs', async () => {
  const params = randomParams(tiny, 11);
  const ours = parseCheckpoint(encodeSafetensors(params, checkpointMetadata(tiny, null, { step: 5 })), 'ours.safetensors');
  const stripped = parseCheckpoint(encodeSafetensors(params), 'state_dict.safetensors');
  assert.equal(stripped.config, ours.config, 'the tiny configuration, input size included, recognised from the shapes');
  const [a, b] = [await beliefsOf(engine, ours.config, ours.params), await beliefsOf(engine, stripped.config, stripped.params)];
  a.forEach((x, t) => {
    assert.equal(Array.from(b[t]!), Array.from(x), `stage ${t + 1}`);
  });
  // Another tool's own config JSON in the metadata is not ours: shapes decide.
  const foreign = parseCheckpoint(encodeSafetensors(params, { config: '{"model_type": "cpm", "num_stages": 2}', format: 'pt' }), 'hf.safetensors');
  assert.is(foreign.config.name, 'tiny');
  assert.is(foreign.step, 0);
});

test('widths no named configuration has: inferred, input size 368 unless given', () => {
  const c = { ...tiny, stages: 3, joints: 9, trunkChannels: 5, stageChannels: 7, stageKernel: 5 };
  const params = randomParams(c, 2);
  const got = parseCheckpoint(encodeSafetensors(params), 'x.safetensors').config;
  assert.equal({ ...got, name: c.name, dropout: c.dropout, init: c.init, inputSize: c.inputSize }, c);
  assert.is(got.name, 'inferred');
  assert.is(got.inputSize, 368);
  assert.is(parseCheckpoint(encodeSafetensors(params), 'x.safetensors', { inputSize: 64 }).config.inputSize, 64);
});

test('shapes that do not form a CPM are refused, naming the tensor', () => {
  const params = randomParams(tiny, 1);
  const without = (name: string) => new Map([...params].filter(([n]) => n !== name));
  const withShape = (name: string, shape: number[]) =>
    new Map<string, SafeTensor>([...params, [name, { shape, data: new Float32Array(shape.reduce((a, b) => a * b)) }]]);
  const load = (m: Map<string, SafeTensor>) => () => parseCheckpoint(encodeSafetensors(m), 'bad.safetensors');
  assert.throws(load(without('stage2.mconv4.weight')), /bad.safetensors .*: missing "stage2.mconv4.weight": stage 2 of a 2-stage CPM is incomplete/);
  assert.throws(load(without('trunk.conv2.bias')), /missing "trunk.conv2.bias": the shared trunk of a 2-stage CPM is incomplete/);
  assert.throws(
    load(withShape('stage2.mconv1.weight', [6, 19, 3, 3])),
    /"stage2.mconv1.weight" has shape \[6,19,3,3\], the tiny configuration needs \[6,20,3,3\]/,
  );
  assert.throws(load(withShape('stage1.conv5.weight', [8, 4, 3, 2])), /"stage1.conv5.weight" has shape \[8,4,3,2\], not a square OIHW convolution weight/);
  assert.throws(load(withShape('fc.weight', [2, 2])), /"fc.weight" is not a parameter of a 2-stage CPM with 14 joints/);
  assert.throws(load(new Map([['encoder.weight', params.get('stage1.conv1.weight')!]])), /no "stage1." parameters; not a CPM state dict/);
  // Our own format still insists on its configuration.
  assert.throws(
    () => parseCheckpoint(encodeSafetensors(params, { format: 'cpm-webgpu checkpoint v1', config: '{"name":"x"}' }), 'o.safetensors'),
    /o.safetensors: bad configuration in metadata/,
  );
});

test.run();
