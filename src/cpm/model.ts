// The Convolutional Pose Machine (docs/network.md#structure): stage 1 on local image evidence, a
// separate image trunk computed once and shared by stages ≥ 2, and each later stage refining the
// previous beliefs from [features, previous beliefs, pooled center map]. Parameters carry the names of
// docs/network.md#names; weights are OIHW, activations NCHW.
import { l2Loss } from '../shaders/reduce/reduce.js';
import { add } from '../shaders/elementwise/elementwise.js';
import { avgPool2d, maxPool2d } from '../shaders/pool/pool.js';
import { concat } from '../shaders/concat/concat.js';
import { conv2d } from '../shaders/conv2d/conv2d.js';
import { dropout } from '../shaders/dropout/dropout.js';
import type { Engine } from '../tensor/engine.js';
import { EngineError } from '../tensor/errors.js';
import { fromArray, randomNormal, type Tensor } from '../tensor/tensor.js';
import { layers, validateConfig, type CpmConfig, type LayerSpec } from './config.js';

export interface ForwardOptions {
  training: boolean;
  /** Seeds the dropout masks of this forward pass (vary it per step). */
  dropoutSeed?: number;
  /** Compute only the first `stages` stages (stage-wise training). */
  stages?: number;
}

export interface StageLosses {
  /** Σ over supervised stages. */
  total: Tensor;
  /** One [1] tensor per stage (computed for every stage, summed only where supervised). */
  stages: Tensor[];
}

export class CpmModel {
  readonly config: CpmConfig;
  readonly specs: LayerSpec[];
  /** Every parameter by name (`<layer>.weight`, `<layer>.bias`; docs/network.md#names), in forward order. */
  readonly params = new Map<string, Tensor>();

  constructor(
    readonly engine: Engine,
    config: CpmConfig,
    seed = 0,
  ) {
    this.config = validateConfig(config);
    this.specs = layers(config);
    this.specs.forEach((l, i) => {
      const fanIn = l.cin * l.kernel * l.kernel;
      const std = config.init === 'he' && l.relu ? Math.sqrt(2 / fanIn) : 0.01;
      this.addParam(`${l.name}.weight`, randomNormal(engine, [l.cout, l.cin, l.kernel, l.kernel], { seed: seed * 7919 + 2 * i + 1, std }));
      this.addParam(`${l.name}.bias`, fromArray(engine, new Float32Array(l.cout), [l.cout]));
    });
  }

  private addParam(name: string, t: Tensor): void {
    t.name = name;
    t.kind = 'parameter';
    t.requiresGrad = true;
    this.engine.untrack(t);
    this.params.set(name, t);
  }

  get inputSize(): number {
    return this.config.inputSize;
  }

  param(name: string): Tensor {
    const p = this.params.get(name);
    if (!p) throw new EngineError('cpm', `no parameter "${name}"`);
    return p;
  }

  private conv(x: Tensor, l: LayerSpec): Tensor {
    return conv2d(x, this.param(`${l.name}.weight`), this.param(`${l.name}.bias`), { padding: (l.kernel - 1) / 2, relu: l.relu });
  }

  private spec(name: string): LayerSpec {
    return this.specs.find((l) => l.name === name)!;
  }

  /** conv1–3 (+ReLU, 3×3/2 max pool) of stage 1 or the trunk; the pool applies the ReLU (they commute), so backward needs no reluGrad pass. */
  private trunk(image: Tensor, prefix: string): Tensor {
    let x = image;
    for (let i = 1; i <= 3; i++) {
      const l = this.spec(`${prefix}.conv${i}`);
      x = maxPool2d(this.conv(x, { ...l, relu: false }), { kernel: 3, stride: 2, relu: l.relu });
    }
    return x;
  }

  /** Beliefs of every stage, [N, P+1, S/8, S/8] each, for image [N,3,S,S] and center map [N,1,S,S]. */
  forward(image: Tensor, center: Tensor, opts: ForwardOptions = { training: false }): Tensor[] {
    const S = this.config.inputSize;
    if (image.rank !== 4 || image.shape[1] !== 3 || image.shape[2] !== S || image.shape[3] !== S) {
      throw new EngineError('cpm.forward', `image ${image.describe()} must be [N, 3, ${S}, ${S}]`);
    }
    if (center.rank !== 4 || center.shape[0] !== image.shape[0] || center.shape[1] !== 1 || center.shape[2] !== S || center.shape[3] !== S) {
      throw new EngineError('cpm.forward', `center map ${center.describe()} must be [${image.shape[0]}, 1, ${S}, ${S}]`);
    }
    const drop = (x: Tensor, k: number) => dropout(x, { p: this.config.dropout, seed: (opts.dropoutSeed ?? 0) * 2 + k, training: opts.training });
    let x = this.trunk(image, 'stage1');
    x = this.conv(x, this.spec('stage1.conv4'));
    x = drop(this.conv(x, this.spec('stage1.conv5')), 0);
    x = drop(this.conv(x, this.spec('stage1.conv6')), 1);
    const beliefs = [this.conv(x, this.spec('stage1.conv7'))];
    const last = Math.min(opts.stages ?? this.config.stages, this.config.stages);
    if (last === 1) return beliefs;
    const features = this.trunk(image, 'trunk');
    const pooledCenter = avgPool2d(center, { kernel: 9, stride: 8 });
    for (let t = 2; t <= last; t++) {
      const f = this.conv(features, this.spec(`stage${t}.features`));
      let y = concat([f, beliefs[t - 2]!, pooledCenter]);
      for (let i = 1; i <= 5; i++) y = this.conv(y, this.spec(`stage${t}.mconv${i}`));
      beliefs.push(y);
    }
    return beliefs;
  }

  /** Per-stage L2 losses: stage 1 against every person's maps, later stages against the centred person's. */
  losses(beliefs: Tensor[], target: Tensor, targetAll: Tensor, opts: { lastStageOnly?: boolean; stages?: number[] } = {}): StageLosses {
    const stages = beliefs.map((b, i) => l2Loss(b, i === 0 ? targetAll : target));
    const supervised = opts.stages ?? (opts.lastStageOnly ? [stages.length] : stages.map((_, i) => i + 1));
    let total = stages[supervised[0]! - 1]!;
    for (const t of supervised.slice(1)) total = add(total, stages[t - 1]!);
    return { total, stages };
  }

  /** Freezes parameters whose name fails `trainable` (no gradients are computed for them). */
  setTrainable(trainable: (name: string) => boolean): void {
    for (const [name, p] of this.params) p.requiresGrad = trainable(name);
  }

  /** Replaces parameter values (OIHW float32) by name; every parameter must be present with its shape. */
  load(values: Map<string, { shape: number[]; data: Float32Array }>, source = 'checkpoint'): void {
    for (const [name, p] of this.params) {
      const v = values.get(name);
      if (!v) throw new EngineError('cpm.load', `${source} has no tensor "${name}"`);
      if (v.shape.length !== p.rank || v.shape.some((d, i) => d !== p.shape[i])) {
        throw new EngineError('cpm.load', `${source}: "${name}" has shape [${v.shape}], the model needs [${p.shape}]`);
      }
      p.engine.upload(`load ${name}`, v.data, p.binding('load'));
    }
  }

  /** Parameter values read back, by name. */
  async read(): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
    const out = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [name, p] of this.params) out.set(name, { shape: [...p.shape], data: await p.read() });
    return out;
  }

  dispose(): void {
    for (const p of this.params.values()) p.dispose();
  }
}
