// Beliefs from the page against Node's on the same weights and input, for the browser tests.
import * as assert from 'uvu/assert';

/**
 * Same WGSL, different compilers (Dawn→SPIR-V vs ANGLE→GLSL) may round/contract float32 differently,
 * compounding over the stages: each stage within 1e-4 of its range, the float32 tolerance of the parity tests.
 */
export function assertBeliefsMatch(node: number[][], web: number[][]): void {
  assert.is(web.length, node.length, 'stages');
  for (const [t, n] of node.entries()) {
    const w = web[t]!;
    assert.is(w.length, n.length);
    let scale = 1e-6;
    for (const v of n) scale = Math.max(scale, Math.abs(v));
    let worst = 0;
    for (let i = 1; i < n.length; i++) if (Math.abs(n[i]! - w[i]!) > Math.abs(n[worst]! - w[worst]!)) worst = i;
    assert.ok(Math.abs(n[worst]! - w[worst]!) <= 1e-4 * scale, `stage ${t + 1} [${worst}]: node ${n[worst]}, browser ${w[worst]} (range ${scale})`);
  }
}
