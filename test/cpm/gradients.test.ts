// The composite check of the kernels issue: a two-stage miniature CPM (stage 1, the trunk shared by
// stage 2, concat with beliefs and the pooled center map, per-stage L2 losses summed) whose every
// parameter tensor's gradient matches central finite differences of a float64 CPU forward.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, backward, tensor, type Engine } from '../../src/index.node.js';
import { getConfig } from '../../src/cpm/config.js';
import { CpmModel } from '../../src/cpm/model.js';
import { cpmForwardRef } from '../reference/cpm.js';
import { testData } from '../reference/conv2d.js';

let engine: Engine;
test.before(async () => {
  engine = await init();
});

test('every parameter of a two-stage miniature CPM: autograd gradient = finite differences (float64)', async () => {
  const config = { ...getConfig('tiny'), name: 'grad-check', init: 'gaussian' as const };
  const model = new CpmModel(engine, config, 11);
  // Larger weights than the released init, so every path carries signal through the ReLUs.
  for (const [name, p] of model.params) {
    const v = testData(p.size, 1 + p.size).map((x) => x * (name.endsWith('.bias') ? 0.1 : 0.6));
    engine.upload('init', v, p.binding('init'));
  }
  const S = 32, G = 4, P1 = 15;
  const image = testData(3 * S * S, 2).map((v) => v * 0.5);
  const center = Float32Array.from({ length: S * S }, (_, i) => Math.exp(-((i % S - 16) ** 2 + (Math.floor(i / S) - 16) ** 2) / (2 * 2 ** 2)));
  const target = testData(P1 * G * G, 3).map((v) => Math.abs(v));
  const targetAll = testData(P1 * G * G, 4).map((v) => Math.abs(v));
  const loss = engine.tidy(() => {
    const beliefs = model.forward(tensor(image, [1, 3, S, S]), tensor(center, [1, 1, S, S]), { training: false });
    return model.losses(beliefs, tensor(target, [1, P1, G, G]), tensor(targetAll, [1, P1, G, G])).total;
  });
  backward(loss);
  const params = await model.read();
  const lossOf = (ps: typeof params): number => {
    const b = cpmForwardRef(config, ps, image, center);
    const l2 = (pred: Float64Array, t: Float32Array) => pred.reduce((s, v, i) => s + (v - t[i]!) ** 2, 0) / 2;
    return l2(b[0]!, targetAll) + l2(b[1]!, target);
  };
  const base = lossOf(params);
  assert.ok(Math.abs((await loss.item()) - base) < 1e-4 * base, `loss ${await loss.item()} vs float64 ${base}`);
  const eps = 1e-3;
  let checked = 0;
  for (const [name, p] of model.params) {
    const grad = await p.grad!.read();
    const values = params.get(name)!;
    for (let k = 0; k < 3; k++) {
      const i = Math.floor(((k * 0.37 + 0.11) % 1) * values.data.length);
      const at = (delta: number) => {
        const data = Float64Array.from(values.data);
        data[i]! += delta;
        return lossOf(new Map(params).set(name, { shape: values.shape, data: Float32Array.from(data) }));
      };
      const [plus, minus] = [at(eps), at(-eps)];
      // A ReLU or max-pool switch within ±eps makes the difference quotient meaningless: skip those points.
      if (Math.abs(plus - 2 * base + minus) > 1e-4 * Math.max(1, Math.abs(base))) continue;
      const fd = (plus - minus) / (2 * eps);
      // float32 gradients through ~14 layers vs float64 FD (whose own error is ~eps²·f''' ≈ 1e-6): 2e-3 relative.
      assert.ok(Math.abs(grad[i]! - fd) <= 2e-3 * Math.max(1, Math.abs(fd)), `${name}[${i}]: autograd ${grad[i]}, finite difference ${fd}`);
      checked++;
    }
  }
  assert.ok(checked >= 70, `only ${checked} of ${3 * model.params.size} points were away from kinks`);
  model.dispose();
});

test.run();
