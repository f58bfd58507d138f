// Reverse-mode autodiff. Ops call record() after computing an output; backward() walks the
// recorded nodes from a scalar loss in reverse topological order, accumulating gradients where a
// tensor feeds several ops, and frees what each node saved as soon as its gradient rule has run.
import type { Engine } from '../tensor/engine.js';
import { EngineError } from '../tensor/errors.js';
import type { GradNode, Tensor } from '../tensor/tensor.js';
import { accumulateGrad, clone, onesLike } from './accumulate.js';

/** Whether an op on these inputs must be recorded for backward. */
export function needsGrad(inputs: readonly Tensor[]): boolean {
  const engine = inputs[0]?.engine;
  if (!engine?.gradEnabled) return false;
  return inputs.some((t) => t.requiresGrad || t.node !== null);
}

/**
 * Attaches a gradient rule to `output`. `saved` tensors are retained (another handle on the same
 * storage) so scopes may free the forward's handles; they are released after backward uses them.
 */
export function record(
  output: Tensor,
  op: string,
  inputs: readonly Tensor[],
  rule: (dy: Tensor, saved: readonly Tensor[]) => (Tensor | null)[],
  saved: readonly Tensor[] = [],
): Tensor {
  if (!needsGrad(inputs)) return output;
  const kept = saved.map((t) => t.retain());
  const node: GradNode = {
    op,
    inputs,
    backward: (dy) => rule(dy, kept),
    release: () => {
      for (const t of kept) t.dispose();
      kept.length = 0;
    },
  };
  output.node = node;
  return output;
}

/** Runs fn with recording off: for inference and for optimizer updates. */
export function noGrad<T>(engine: Engine, fn: () => T): T {
  const before = engine.gradEnabled;
  engine.gradEnabled = false;
  try {
    return fn();
  } finally {
    engine.gradEnabled = before;
  }
}

/** Tensors reachable from `root` through recorded nodes, producers before consumers. */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, boolean][] = [[root, false]];
  while (stack.length > 0) {
    const [t, expanded] = stack.pop()!;
    if (expanded) {
      order.push(t);
      continue;
    }
    if (seen.has(t)) continue;
    seen.add(t);
    stack.push([t, true]);
    for (const input of t.node?.inputs ?? []) if (input.node && !seen.has(input)) stack.push([input, false]);
  }
  return order;
}

/**
 * Backpropagates from `loss` (a one-element tensor unless `seed` gives the output gradient).
 * Leaves that require grad (parameters) get `.grad` added to, so micro-batches accumulate.
 * The graph is consumed: its saved tensors are freed, and a second backward through it fails.
 */
export function backward(loss: Tensor, seed?: Tensor): void {
  if (!loss.node) {
    throw new EngineError('backward', `tensor ${loss.describe()} was not computed from anything that requires grad (or its graph was already used)`);
  }
  if (!seed && loss.size !== 1) throw new EngineError('backward', `loss ${loss.describe()} must have one element, or pass the output gradient`);
  if (seed && seed.size !== loss.size) throw new EngineError('backward', `seed gradient ${seed.describe()} does not match ${loss.describe()}`);
  const engine = loss.engine;
  const order = topologicalOrder(loss);
  noGrad(engine, () =>
    engine.tidy(() => {
      const grads = new Map<Tensor, Tensor>([[loss, seed ?? onesLike(loss)]]);
      for (let i = order.length - 1; i >= 0; i--) {
        const t = order[i]!;
        const node = t.node!;
        const dy = grads.get(t);
        grads.delete(t);
        if (!dy) {
          node.release();
          t.node = null;
          continue;
        }
        const inputGrads = node.backward(dy);
        node.release();
        t.node = null;
        // A rule may pass dy through, or return one tensor for two inputs: accumulation works in place, so copy those.
        const returned = new Set<Tensor>();
        node.inputs.forEach((input, k) => {
          let g = inputGrads[k];
          if (!g) return;
          if (g === dy || returned.has(g)) g = clone(g);
          returned.add(g);
          if (input.node) grads.set(input, accumulateGrad(grads.get(input), g));
          else if (input.requiresGrad) {
            input.grad = accumulateGrad(input.grad, g);
            engine.untrack(input.grad);
          } else g.dispose();
        });
        if (dy !== seed) dy.dispose();
      }
    }),
  );
}

/** Frees a graph that will not be backpropagated (e.g. a forward run without noGrad). */
export function releaseGraph(root: Tensor): void {
  for (const t of topologicalOrder(root)) {
    t.node?.release();
    t.node = null;
  }
}
