// The one gradient check for ops built on autograd: backward through the engine against central finite
// differences of a float64 reference forward, Σ dy ⊙ reference(inputs), at chosen elements of each input.
import * as assert from 'uvu/assert';
import { backward, parameter, tensor, tidy, type Tensor } from '../../src/index.node.js';
import { testData } from './data.js';

export interface GradientInput {
  name: string;
  data: Float32Array;
  shape: number[];
}

export interface GradientCheck {
  /** The inputs that get gradients, in the order `op` and `reference` take them. */
  inputs: GradientInput[];
  /** The op under test, through autograd (anything else it needs may be created inside). */
  op: (...xs: Tensor[]) => Tensor;
  /** Its float64 forward over the same (flat) inputs. */
  reference: (...xs: Float64Array[]) => ArrayLike<number>;
  /** The output gradient (default: deterministic data of the output's size). */
  dy?: Float32Array;
  /** Elements probed in each input: these indices, this many spread ones, or (default) all. */
  probes?: number | number[];
  /** Central difference step. */
  eps?: number;
  /** Allowed |autograd − finite difference| relative to max(1, |finite difference|). */
  tol?: number;
  /** Skips a probe whose second difference exceeds this: a kink (e.g. ReLU) within eps makes the difference meaningless. */
  kink?: number;
}

function probeIndices(probes: number | number[] | undefined, length: number): number[] {
  if (Array.isArray(probes)) return probes;
  if (probes === undefined) return Array.from({ length }, (_, i) => i);
  return Array.from({ length: probes }, (_, t) => Math.floor((((t * 7919) % 1000) / 1000) * length));
}

export async function assertGradientsMatchFiniteDifferences(c: GradientCheck, what: string): Promise<void> {
  const params = c.inputs.map((x) => parameter(x.data, x.shape, x.name));
  const y = tidy(() => c.op(...params));
  const dy = c.dy ?? testData(y.size, 77);
  backward(y, tensor(dy, y.shape));
  const grads = await Promise.all(params.map((p) => p.grad!.read()));
  const base = c.inputs.map((x) => Float64Array.from(x.data));
  const objective = (xs: Float64Array[]) => Array.from(c.reference(...xs)).reduce((s, v, i) => s + v * dy[i]!, 0);
  const f0 = objective(base);
  const [eps, tol] = [c.eps ?? 1e-4, c.tol ?? 1e-4];
  let compared = 0;
  c.inputs.forEach((input, k) => {
    for (const i of probeIndices(c.probes, input.data.length)) {
      const shifted = (d: number) => objective(base.map((v, j) => (j === k ? Float64Array.from(v, (e, q) => (q === i ? e + d : e)) : v)));
      const [plus, minus] = [shifted(eps), shifted(-eps)];
      if (c.kink !== undefined && Math.abs(plus - 2 * f0 + minus) > c.kink) continue;
      const fd = (plus - minus) / (2 * eps);
      const g = grads[k]![i]!;
      assert.ok(Math.abs(g - fd) <= tol * Math.max(1, Math.abs(fd)), `d/d${input.name}[${i}]: autograd ${g}, finite difference ${fd} (${what})`);
      compared++;
    }
  });
  assert.ok(compared > 0, `no element was compared (${what})`);
  for (const t of [...params, y]) t.dispose();
}
