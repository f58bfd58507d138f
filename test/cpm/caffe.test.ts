// import-caffe: .caffemodel files written here (random weights, both layouts) import to the same
// network; the full-size paper/FLIC bookkeeping is checked on shape-only files; each bad file is
// refused with the layer named.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getConfig, layers, parameterCount } from '../../src/cpm/config.js';
import { caffeLayerName, cpmLayerName, importCaffeModel } from '../../src/cpm/caffe/import.js';
import { parseCheckpoint, checkpointMetadata } from '../../src/cpm/checkpoint.js';
import { encodeSafetensors } from '../../src/io/safetensors.js';
import { init, type Engine } from '../../src/index.node.js';
import { beliefsOf, caffeModelBytes, prototxtOf, randomParams } from './caffe-helpers.js';

let engine: Engine;
test.before(async () => {
  engine = await init();
});

const tiny = getConfig('tiny');

test('layer names: Caffe names map onto ours and back (docs/network.md#caffe)', () => {
  const pairs: [string, string][] = [
    ['conv1_stage1', 'stage1.conv1'],
    ['conv7_stage1', 'stage1.conv7'],
    ['conv3_stage2', 'trunk.conv3'],
    ['conv4_stage2', 'stage2.features'],
    ['conv1_stage3', 'stage3.features'],
    ['conv1_stage6', 'stage6.features'],
    ['Mconv1_stage2', 'stage2.mconv1'],
    ['Mconv5_stage6', 'stage6.mconv5'],
  ];
  for (const [caffe, ours] of pairs) {
    assert.is(cpmLayerName(caffe), ours, caffe);
    assert.is(caffeLayerName(ours), caffe, ours);
  }
  for (const l of layers(getConfig('paper'))) assert.is(cpmLayerName(caffeLayerName(l.name)), l.name);
  for (const other of ['conv8_stage1', 'conv4_stage3', 'conv2_stage3', 'Mconv6_stage2', 'Mconv1_stage1', 'pool1_stage1', 'conv5_2_CPM'])
    assert.is(cpmLayerName(other), null, other);
});

test('a caffemodel in the new and in the V1 layout imports to the beliefs of the same weights loaded directly', async () => {
  const params = randomParams(tiny, 7);
  const direct = await beliefsOf(engine, tiny, params);
  for (const layout of ['layer', 'v1'] as const) {
    const imported = importCaffeModel(caffeModelBytes(params, { layout }), `tiny-${layout}.caffemodel`);
    assert.is(imported.layout, layout === 'v1' ? 'V1 layers' : 'layer');
    assert.is(imported.config.name, 'tiny', 'widths and kernels recognised as the tiny configuration');
    // Through our checkpoint format, as `cpm import-caffe` writes it.
    const bytes = encodeSafetensors(imported.params, checkpointMetadata(imported.config, null, { step: 0 }));
    const ck = parseCheckpoint(bytes, 'imported.safetensors');
    assert.equal(ck.config, tiny);
    const beliefs = await beliefsOf(engine, ck.config, ck.params);
    assert.is(beliefs.length, 2);
    beliefs.forEach((b, t) => {
      assert.equal(Array.from(b), Array.from(direct[t]!), `${layout}: stage ${t + 1} beliefs`);
    });
  }
});

test("full size: the released network's exact layer names and shapes (6-stage and FLIC 4-stage) import as paper / flic without materialising weights", () => {
  const paper = getConfig('paper');
  const shapesOnly = (c: typeof paper) => new Map([...randomShapes(c)].map(([n, s]) => [n, { shape: s, data: new Float32Array(0) }]));
  for (const [name, layout] of [
    ['paper', 'layer'],
    ['flic', 'v1'],
  ] as const) {
    const c = getConfig(name);
    const bytes = caffeModelBytes(shapesOnly(c), { layout, noData: true });
    assert.ok(bytes.length < 20_000, `shape-only file is ${bytes.length} bytes`);
    const byShapes = importCaffeModel(bytes, `${name}.caffemodel`, { shapesOnly: true });
    assert.is(byShapes.config.name, name);
    assert.is(byShapes.params.size, 2 * layers(c).length);
    const checked = importCaffeModel(bytes, `${name}.caffemodel`, { shapesOnly: true, config: paper });
    assert.is(checked.config.name, name, 'stages and joints from the file, widths checked against paper');
    assert.is(
      [...checked.params.values()].reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0),
      parameterCount(c),
    );
  }
  assert.is(parameterCount(paper), 31_219_866);
  // Without shapesOnly the missing values are an error naming the first layer.
  assert.throws(
    () => importCaffeModel(caffeModelBytes(shapesOnly(paper), { layout: 'layer', noData: true }), 'p.caffemodel'),
    /p.caffemodel: layer conv1_stage1: weights blob holds 0 values, its shape \[128,3,9,9\] needs 31104/,
  );
});

function randomShapes(c: ReturnType<typeof getConfig>): Map<string, number[]> {
  return new Map(
    layers(c).flatMap(
      (l) =>
        [
          [`${l.name}.weight`, [l.cout, l.cin, l.kernel, l.kernel]],
          [`${l.name}.bias`, [l.cout]],
        ] as [string, number[]][],
    ),
  );
}

test('bad files are refused with the file and layer named', () => {
  const params = randomParams(tiny, 3);
  const good = caffeModelBytes(params, { layout: 'layer' });
  // Unknown layer with weights.
  assert.throws(
    () => importCaffeModel(caffeModelBytes(params, { layout: 'layer', extra: [{ name: 'fc8', shape: [4, 4, 1, 1] }] }), 'a.caffemodel'),
    /a.caffemodel: unknown layer "fc8" with weights/,
  );
  // The VGG model is a different network.
  assert.throws(
    () => importCaffeModel(caffeModelBytes(params, { layout: 'layer', extra: [{ name: 'conv4_3_CPM', shape: [4, 4, 3, 3] }] }), 'vgg.caffemodel'),
    /vgg.caffemodel: layer "conv4_3_CPM" belongs to the VGG-19-based CPM \(pose_deploy_resize.*different network/,
  );
  // Wrong shape: inconsistent with the rest of the file, and against a named configuration.
  const wrong = new Map(params);
  wrong.set('stage2.mconv2.weight', { shape: [6, 5, 3, 3], data: new Float32Array(6 * 5 * 9) });
  assert.throws(
    () => importCaffeModel(caffeModelBytes(wrong, { layout: 'layer' }), 'w.caffemodel'),
    /w.caffemodel: layer Mconv2_stage2 \(stage2.mconv2.weight\) has shape \[6,5,3,3\], the tiny configuration needs \[6,6,3,3\]/,
  );
  assert.throws(
    () => importCaffeModel(good, 'p.caffemodel', { config: getConfig('paper') }),
    /p.caffemodel: layer conv1_stage1 \(stage1.conv1.weight\) has shape \[4,3,3,3\], the paper\S* configuration needs \[128,3,9,9\]/,
  );
  // Missing stage: stage 3 present, stage 2's refinement layers gone.
  const three = randomParams({ ...tiny, stages: 3 }, 4);
  for (const n of [...three.keys()]) if (/^stage2\.mconv/.test(n)) three.delete(n);
  assert.throws(
    () => importCaffeModel(caffeModelBytes(three, { layout: 'v1' }), 'm.caffemodel'),
    /m.caffemodel: missing layer Mconv1_stage2 \(stage2.mconv1.weight\): stage 2 of a 3-stage CPM is incomplete/,
  );
  // Truncated file.
  assert.throws(() => importCaffeModel(good.subarray(0, Math.floor(good.length * 0.6)), 't.caffemodel'), /t.caffemodel: truncated or not a Caffe model/);
  // Not a CPM convolution: stride 2.
  assert.throws(
    () => importCaffeModel(caffeModelBytes(params, { layout: 'layer', convParam: { Mconv3_stage2: { stride: [2] } } }), 's.caffemodel'),
    /s.caffemodel: layer Mconv3_stage2: stride 2; CPM convolutions have stride 1/,
  );
  // The deploy prototxt of the same net passes; one whose convolution disagrees with the weights does not.
  assert.ok(prototxtOf(good).includes('name: "Mconv5_stage2"'));
  assert.is(importCaffeModel(good, 'g.caffemodel', { prototxt: { text: prototxtOf(good), source: 'deploy.prototxt' } }).config.name, 'tiny');
  const prototxt = (k: number) =>
    `input: "data"\ninput_dim: 1\nlayer {\n  name: "conv1_stage1"\n  type: "Convolution"\n  bottom: "image"\n  top: "conv1_stage1"\n  param { lr_mult: 5 decay_mult: 1 }\n  convolution_param { num_output: 4 pad: ${(k - 1) / 2} kernel_size: ${k} weight_filler { type: "gaussian" std: 0.01 } }\n}\n`;
  assert.throws(
    () => importCaffeModel(good, 'g.caffemodel', { prototxt: { text: prototxt(5), source: 'deploy.prototxt' } }),
    /deploy.prototxt: layer conv1_stage1: kernel_size 5 does not match the 3×3 weights/,
  );
  assert.throws(
    () => importCaffeModel(good, 'g.caffemodel', { prototxt: { text: prototxt(3), source: 'deploy.prototxt' } }),
    /deploy.prototxt: no layer conv2_stage1, which the caffemodel has/,
  );
  assert.throws(
    () => importCaffeModel(good, 'g.caffemodel', { prototxt: { text: 'layer { name: "x" kernel: 3 }', source: 'bad.prototxt' } }),
    /bad.prototxt: cannot read as a Caffe deploy prototxt/,
  );
});

test.run();
