// Beliefs from the page against Node's on the same weights and input, for the browser tests.
import * as assert from 'uvu/assert';
import { assertAllClose } from '../reference/close.js';

/**
 * Same WGSL, different compilers (Dawn→SPIR-V vs ANGLE→GLSL) may round/contract float32 differently,
 * compounding over the stages: each stage within 1e-4 of its range, the float32 tolerance of the parity tests.
 */
export function assertBeliefsMatch(node: number[][], web: number[][]): void {
  assert.is(web.length, node.length, 'stages');
  for (const [t, n] of node.entries()) assertAllClose(web[t]!, n, `stage ${t + 1} (browser vs node)`, 1e-4);
}
