// The training progress bar on stderr: a redrawn line on a terminal, a line every 5 % otherwise (logs).
import type { StepRecord } from '../cpm/train.js';

/** A train() onStep hook for a run of `steps` steps; the rate is of the last few steps (the first ones are slowed by compilation). */
export function progressBar(steps: number): (r: StepRecord, records: readonly StepRecord[]) => void {
  return (r, records) => {
    const width = 24;
    const done = Math.round((width * r.step) / steps);
    const window = records.slice(-10);
    const seconds = window.reduce((a, x) => a + x.stepSeconds, 0);
    const rate = seconds > 0 ? (window.length * (r.images / r.step)) / seconds : 0;
    const eta = seconds > 0 ? ((steps - r.step) * seconds) / window.length : 0;
    const mmss = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
    const line = `step ${r.step}/${steps} [${'='.repeat(done)}${' '.repeat(width - done)}] ${rate.toFixed(1)} img/s ETA ${mmss(eta)} loss ${r.loss.toFixed(3)} | ${r.stages.map((v, i) => `s${i + 1} ${v.toFixed(3)}`).join(' ')}`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}${r.step === steps ? '\n' : ''}`);
    else if (r.step === 1 || r.step === steps || r.step % Math.max(1, Math.floor(steps / 20)) === 0) process.stderr.write(`${line}\n`);
  };
}
