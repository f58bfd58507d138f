// Running a command as a process: exit 0 only once it has finished; a message and a non-zero code
// otherwise, including when Node's event loop empties while the command is still pending.
import { UsageError } from './options.js';

/** Exit code when the process would otherwise end, silently and with 0, before the command finished. */
export const EXIT_UNFINISHED = 70;

/** Runs `command` and exits: 0 when it resolves; 2 for a usage mistake; an error's own `exitCode` (e.g. 130 after SIGINT); else 1. */
export function runCli(name: string, command: () => Promise<void>): void {
  let finished = false;
  // 'beforeExit' fires only when nothing is left to run: a pending command can then never finish.
  process.on('beforeExit', () => {
    if (finished) return;
    console.error(
      `cpm ${name}: stopped before finishing: nothing was left running that could complete it (an awaited event that no longer holds the process); its outputs are incomplete`,
    );
    process.exit(EXIT_UNFINISHED);
  });
  command().then(
    () => {
      finished = true;
      process.exit(0);
    },
    (e: unknown) => {
      finished = true;
      console.error(e instanceof Error ? e.message : String(e));
      const own = (e as { exitCode?: unknown } | null)?.exitCode;
      process.exit(e instanceof UsageError ? 2 : typeof own === 'number' ? own : 1);
    },
  );
}

/**
 * Runs `work` with SIGINT and SIGTERM turned into an abort of the signal it is given (reason: the
 * signal's name), so training can save and stop after the current step; a second signal exits at once
 * with the shell's code (130 / 143). Outside `work` the signals keep their default effect.
 */
export async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const c = new AbortController();
  const handlers = (
    [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const
  ).map(([sig, code]) => {
    let first = 0;
    const handler = (): void => {
      // A repeat within a second is the same request (tsx relays the terminal's Ctrl-C once more).
      if (c.signal.aborted && performance.now() - first > 1000) process.exit(code);
      if (c.signal.aborted) return;
      first = performance.now();
      console.error(`\n${sig}: stopping after the current step (send it again to stop at once)`);
      c.abort(sig);
    };
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  try {
    return await work(c.signal);
  } finally {
    for (const [sig, handler] of handlers) process.off(sig, handler);
  }
}
