// A float64 CPU forward of the CPM (built from the conv and pooling references), for tests.
import { layers, type CpmConfig } from '../../src/cpm/config.js';
import { conv2dRef } from './conv2d.js';
import { poolRef } from './ops.js';

type Params = Map<string, { shape: number[]; data: Float32Array }>;

/** Beliefs per stage for one image [3,S,S] and its center map [S,S]. */
export function cpmForwardRef(c: CpmConfig, params: Params, image: Float32Array, center: Float32Array): Float64Array[] {
  const S = c.inputSize;
  const specs = new Map(layers(c).map((l) => [l.name, l]));
  const conv = (x: Float64Array, ch: number, size: number, name: string): { y: Float64Array; ch: number } => {
    const l = specs.get(name)!;
    const w = params.get(`${name}.weight`)!,
      b = params.get(`${name}.bias`)!;
    const y = conv2dRef({
      x,
      xShape: [1, ch, size, size],
      w: w.data,
      wShape: [l.cout, l.cin, l.kernel, l.kernel],
      b: b.data,
      stride: 1,
      padding: (l.kernel - 1) / 2,
      relu: l.relu,
    });
    return { y, ch: l.cout };
  };
  const trunk = (prefix: string) => {
    let x: Float64Array = Float64Array.from(image),
      ch = 3,
      size = S;
    for (let i = 1; i <= 3; i++) {
      const r = conv(x, ch, size, `${prefix}.conv${i}`);
      x = poolRef(r.y, r.ch, size, size, 3, 2, 0, 'max');
      ch = r.ch;
      size = Math.ceil((size - 3) / 2) + 1;
    }
    return { x, ch, size };
  };
  const t1 = trunk('stage1');
  let r = conv(t1.x, t1.ch, t1.size, 'stage1.conv4');
  r = conv(r.y, r.ch, t1.size, 'stage1.conv5');
  r = conv(r.y, r.ch, t1.size, 'stage1.conv6');
  r = conv(r.y, r.ch, t1.size, 'stage1.conv7');
  const beliefs = [r.y];
  if (c.stages === 1) return beliefs;
  const tr = trunk('trunk');
  const G = tr.size;
  const pooled = poolRef(center, 1, S, S, 9, 8, 0, 'avg');
  for (let t = 2; t <= c.stages; t++) {
    const f = conv(tr.x, tr.ch, G, `stage${t}.features`);
    const prev = beliefs[t - 2]!;
    const cat = new Float64Array(f.y.length + prev.length + pooled.length);
    cat.set(f.y, 0);
    cat.set(prev, f.y.length);
    cat.set(pooled, f.y.length + prev.length);
    let m: { y: Float64Array; ch: number } = { y: cat, ch: f.ch + c.joints + 2 };
    for (let i = 1; i <= 5; i++) m = conv(m.y, m.ch, G, `stage${t}.mconv${i}`);
    beliefs.push(m.y);
  }
  return beliefs;
}
