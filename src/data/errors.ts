// One error type for every bad-input case, so callers can tell data problems from bugs.

/** Bad input: a file, field or argument that cannot be used. `source` names the file or argument. */
export class DataError extends Error {
  readonly source: string;
  constructor(source: string, problem: string) {
    super(`${source}: ${problem}`);
    this.name = 'DataError';
    this.source = source;
  }
}

/** A sample that was left out because its input was bad (only with `skipBad`). */
export interface SkippedSample {
  index: number;
  source: string;
  reason: string;
}
