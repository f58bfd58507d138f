// Option tables: each command declares its options once (name, kind, default, allowed values, help
// line); the same table drives node:util parseArgs (strict), the value checks and the --help text.
import { parseArgs } from 'node:util';

interface Base {
  readonly help: string;
  /** The value's name in --help (default: the kind's, e.g. N, X, NAME). */
  readonly metavar?: string;
  /** The command cannot run without it. */
  readonly required?: boolean;
  /** Only meaningful together with this option. */
  readonly requires?: string;
  /** Refused together with these options. */
  readonly conflicts?: readonly string[];
}
export interface FlagOption extends Base {
  readonly kind: 'flag';
}
export interface TextOption extends Base {
  readonly kind: 'text';
  readonly default?: string;
}
export interface IntOption extends Base {
  readonly kind: 'int';
  readonly min: number;
  readonly max?: number;
  readonly multipleOf?: number;
  readonly default?: number;
}
/** A real number; `above` is an exclusive lower bound (rates: above 0), `min` an inclusive one. */
export interface RealOption extends Base {
  readonly kind: 'real';
  readonly above?: number;
  readonly min?: number;
  readonly max?: number;
  readonly default?: number;
}
export interface ChoiceOption<C extends string = string> extends Base {
  readonly kind: 'choice';
  readonly choices: readonly C[];
  readonly default?: C;
}
/** A:B (or A-B), 1-based inclusive, 1 ≤ A ≤ B. */
export interface RangeOption extends Base {
  readonly kind: 'range';
}
/** Comma-separated positive numbers, or one of the `named` lists. */
export interface ListOption extends Base {
  readonly kind: 'list';
  readonly named?: Readonly<Record<string, readonly number[]>>;
  readonly default?: readonly number[];
}
/** Checked by `parse`, which throws a message for a bad value. */
export interface CustomOption<T = unknown> extends Base {
  readonly kind: 'custom';
  readonly parse: (value: string) => T;
  readonly default?: T;
}

export type Option = FlagOption | TextOption | IntOption | RealOption | ChoiceOption | RangeOption | ListOption | CustomOption;
export type OptionTable = Readonly<Record<string, Option>>;

type ValueOf<O> = O extends { kind: 'flag' }
  ? boolean
  : O extends { kind: 'choice'; choices: readonly (infer C)[] }
    ? C
    : O extends { kind: 'int' | 'real' }
      ? number
      : O extends { kind: 'range' }
        ? [number, number]
        : O extends { kind: 'list' }
          ? readonly number[]
          : O extends { kind: 'custom'; parse: (v: string) => infer T }
            ? T
            : string;

/** What parsing a table gives: flags are booleans; options with a default or `required` are always set. */
export type Values<T extends OptionTable> = {
  -readonly [K in keyof T]: T[K] extends { kind: 'flag' } | { default: unknown } | { required: true } ? ValueOf<T[K]> : ValueOf<T[K]> | undefined;
};

/** A command: its usage line, what it does, its options and its positional arguments. */
export interface Command<T extends OptionTable = OptionTable> {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly options: T;
  /** Positional arguments (default none). */
  readonly positionals?: { readonly name: string; readonly min: number; readonly max: number };
  /** Printed after the options in --help. */
  readonly notes?: string;
}

export interface Parsed<T extends OptionTable> {
  readonly values: Values<T>;
  readonly positionals: string[];
  /** Whether each option was given on the command line (rather than defaulted). */
  given(name: keyof T & string): boolean;
}

/** A mistake on the command line: the CLI prints the message and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

// ---- table entries (const type parameters keep defaults and choices literal, so parsed values have exact types) ----

type Extra<O> = Omit<O, 'kind' | 'help'>;
export const flag = <const E extends Extra<FlagOption>>(help: string, extra?: E) => ({ kind: 'flag', help, ...extra }) as { kind: 'flag'; help: string } & E;
export const text = <const E extends Extra<TextOption>>(help: string, extra?: E) => ({ kind: 'text', help, ...extra }) as { kind: 'text'; help: string } & E;
export const int = <const E extends Extra<IntOption>>(help: string, extra: E) => ({ kind: 'int', help, ...extra }) as { kind: 'int'; help: string } & E;
export const real = <const E extends Extra<RealOption>>(help: string, extra: E) => ({ kind: 'real', help, ...extra }) as { kind: 'real'; help: string } & E;
export const choice = <const C extends string, const E extends Omit<Extra<ChoiceOption<C>>, 'choices'>>(choices: readonly C[], help: string, extra?: E) =>
  ({ kind: 'choice', choices, help, ...extra }) as { kind: 'choice'; choices: readonly C[]; help: string } & E;
export const range = <const E extends Extra<RangeOption>>(help: string, extra?: E) =>
  ({ kind: 'range', help, ...extra }) as { kind: 'range'; help: string } & E;
export const list = <const E extends Extra<ListOption>>(help: string, extra?: E) => ({ kind: 'list', help, ...extra }) as { kind: 'list'; help: string } & E;
export const custom = <V, const E extends Omit<Extra<CustomOption<V>>, 'parse'>>(parse: (value: string) => V, help: string, extra?: E) =>
  ({ kind: 'custom', parse, help, ...extra }) as { kind: 'custom'; parse: (value: string) => V; help: string } & E;

/** --adapter, which every command that opens the GPU takes. */
export const ADAPTER = {
  adapter: text('lavapipe | swiftshader | a substring of the adapter description (default: env CPM_ADAPTER, else the first)', { metavar: 'NAME' }),
} as const;

// ---- checking values ----------------------------------------------------------------------------

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[b.length]!;
}

/** The known word nearest to `word` (ties: the first listed). */
export function nearest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = k.startsWith(word) || word.startsWith(k) ? Math.abs(k.length - word.length) * 0.5 : distance(word, k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

/** The nearest known word when it is close enough to be a typo of `word`. */
export function closest(word: string, known: readonly string[]): string | undefined {
  const near = nearest(word, known);
  return near !== undefined && distance(word, near) <= Math.max(2, Math.floor(near.length / 3)) ? near : undefined;
}

/** "did you mean X?" when something is close enough to be a typo, else the whole list. */
export function suggestion(word: string, known: readonly string[]): string {
  const near = closest(word, known);
  return near ? `did you mean ${near}?` : `known: ${known.join(', ')}`;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function number(name: string, v: string): number {
  if (!NUMBER.test(v.trim()) || v.trim() !== v) throw new UsageError(`--${name} must be a number, got "${v}"`);
  return Number(v);
}

function checkValue(name: string, o: Option, v: string): unknown {
  const bad = (rule: string): never => {
    throw new UsageError(`--${name} ${rule}, got "${v}"`);
  };
  switch (o.kind) {
    case 'flag':
      return true;
    case 'text':
      if (v === '') bad('must not be empty');
      return v;
    case 'int': {
      const x = number(name, v);
      if (!Number.isSafeInteger(x)) bad('must be a whole number');
      if (x < o.min) bad(`must be ≥ ${o.min}`);
      if (o.max !== undefined && x > o.max) bad(`must be ≤ ${o.max}`);
      if (o.multipleOf !== undefined && x % o.multipleOf !== 0) bad(`must be a multiple of ${o.multipleOf}`);
      return x;
    }
    case 'real': {
      const x = number(name, v);
      if (o.above !== undefined && !(x > o.above)) bad(`must be > ${o.above}`);
      if (o.min !== undefined && x < o.min) bad(`must be ≥ ${o.min}`);
      if (o.max !== undefined && x > o.max) bad(`must be ≤ ${o.max}`);
      return x;
    }
    case 'choice': {
      const near = closest(v, o.choices);
      if (!o.choices.includes(v)) bad(`must be one of ${o.choices.join(' | ')}${near ? ` (did you mean ${near}?)` : ''}`);
      return v;
    }
    case 'range': {
      const m = /^(\d+)[:-](\d+)$/.exec(v);
      if (!m) bad('must look like 2501:3000 (1-based, inclusive)');
      const [a, b] = [Number(m![1]), Number(m![2])];
      if (a < 1 || b < a) bad('must be FROM:TO with 1 ≤ FROM ≤ TO');
      return [a, b];
    }
    case 'list': {
      const named = o.named?.[v];
      if (named) return named;
      const xs = v.split(',').map((s) => (NUMBER.test(s) ? Number(s) : NaN));
      if (xs.some((x) => !(x > 0))) bad(`must be comma-separated positive numbers${o.named ? ` or ${Object.keys(o.named).join(' | ')}` : ''}`);
      return xs;
    }
    case 'custom':
      try {
        return o.parse(v);
      } catch (e) {
        throw new UsageError(`--${name}: ${e instanceof Error ? e.message : String(e)}`);
      }
  }
}

/** `--count -5` reaches parseArgs as `--count=-5`, so it is range-checked rather than taken for an option. */
function joinNegativeNumbers(argv: readonly string[], table: OptionTable): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const o = a.startsWith('--') ? table[a.slice(2)] : undefined;
    const v = argv[i + 1];
    if (o && o.kind !== 'flag' && v !== undefined && /^-[\d.]/.test(v)) {
      out.push(`${a}=${v}`);
      i++;
    } else out.push(a);
  }
  return out;
}

function rewordParseError(e: unknown, cmd: Command): never {
  const code = (e as { code?: string }).code;
  const message = e instanceof Error ? e.message : String(e);
  const option = /'(-[^' ]+)/.exec(message)?.[1] ?? '';
  const known = Object.keys(cmd.options).map((n) => `--${n}`);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
    throw new UsageError(`${cmd.name}: unknown option ${option}; ${suggestion(option, known)} (see ${cmd.name} --help)`);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const what = /does not take an argument/.test(message) ? 'takes no value' : 'needs a value';
    throw new UsageError(`${cmd.name}: ${option} ${what}`);
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`${cmd.name}: unexpected argument ${message.match(/'([^']*)'/)?.[1] ?? ''}`);
  throw e;
}

/**
 * Parses argv against the command's table, strictly: unknown options, repeated options, bad values,
 * missing required options, options given without the one they need, and options that conflict are
 * refused with a UsageError naming them. Prints the help text and returns undefined for --help / -h.
 */
export function parseCommand<T extends OptionTable>(cmd: Command<T>, argv: readonly string[]): Parsed<T> | undefined {
  const table: OptionTable = { ...cmd.options, help: flag('this text') };
  const spec = Object.fromEntries(
    Object.entries(table).map(([n, o]) => [n, { type: o.kind === 'flag' ? 'boolean' : 'string', ...(n === 'help' ? { short: 'h' } : {}) }] as const),
  );
  const parsed = (() => {
    try {
      return parseArgs({ args: joinNegativeNumbers(argv, table), options: spec, allowPositionals: true, strict: true, tokens: true });
    } catch (e) {
      return rewordParseError(e, cmd);
    }
  })();
  if (parsed.values.help) {
    console.log(formatHelp(cmd));
    return undefined;
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option') continue;
    if (seen.has(t.name)) throw new UsageError(`${cmd.name}: --${t.name} is given more than once`);
    seen.add(t.name);
  }
  const values: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(cmd.options)) {
    const raw = parsed.values[name];
    try {
      values[name] = raw === undefined ? (o.kind === 'flag' ? false : 'default' in o ? o.default : undefined) : checkValue(name, o, String(raw));
    } catch (e) {
      throw e instanceof UsageError ? new UsageError(`${cmd.name}: ${e.message}`) : e;
    }
  }
  for (const [name, o] of Object.entries(cmd.options)) {
    if (o.required && !seen.has(name)) throw new UsageError(`${cmd.name}: missing --${name}${o.metavar ? ` ${o.metavar}` : ''}: ${o.help}`);
    if (!seen.has(name)) continue;
    if (o.requires && !seen.has(o.requires)) throw new UsageError(`${cmd.name}: --${name} needs --${o.requires}`);
    for (const other of o.conflicts ?? []) if (seen.has(other)) throw new UsageError(`${cmd.name}: --${name} and --${other} cannot be given together`);
  }
  const p = cmd.positionals ?? { name: '', min: 0, max: 0 };
  const n = parsed.positionals.length;
  if (n > p.max)
    throw new UsageError(
      `${cmd.name}: unexpected argument "${parsed.positionals[p.max]}"${p.max === 0 ? ' (this command takes options only)' : ` (at most ${p.max} ${p.name})`}`,
    );
  if (n < p.min) throw new UsageError(`${cmd.name}: needs ${p.min === p.max ? p.min : `at least ${p.min}`} ${p.name} (see ${cmd.name} --help)`);
  return { values: values as Values<T>, positionals: parsed.positionals, given: (name) => seen.has(name) };
}

// ---- help ---------------------------------------------------------------------------------------

function metavar(o: Option): string {
  if (o.kind === 'flag') return '';
  if (o.metavar) return o.metavar;
  return { text: 'VALUE', int: 'N', real: 'X', choice: 'NAME', range: 'A:B', list: 'LIST', custom: 'VALUE' }[o.kind];
}

function describe(o: Option): string {
  const notes: string[] = [];
  if (o.kind === 'choice') notes.push(o.choices.join(' | '));
  if (o.kind === 'int') notes.push(o.max === undefined ? `≥ ${o.min}` : `${o.min}–${o.max}`);
  if (o.kind === 'int' && o.multipleOf !== undefined) notes.push(`a multiple of ${o.multipleOf}`);
  if (o.kind === 'real' && o.above !== undefined) notes.push(`> ${o.above}`);
  if (o.kind === 'real' && o.min !== undefined) notes.push(`≥ ${o.min}`);
  if (o.kind === 'list' && o.named) notes.push(`or ${Object.keys(o.named).join(' | ')}`);
  if ('default' in o && o.default !== undefined) notes.push(`default ${Array.isArray(o.default) ? o.default.join(',') : String(o.default)}`);
  if (o.required) notes.push('required');
  if (o.requires) notes.push(`with --${o.requires}`);
  return notes.length > 0 ? `${o.help} [${notes.join('; ')}]` : o.help;
}

/** The --help text, from the same table the parser uses. */
export function formatHelp(cmd: Command): string {
  const rows = Object.entries({ ...cmd.options, help: flag('this text') }).map(
    ([n, o]) => [`--${n}${o.kind === 'flag' ? '' : ` ${metavar(o)}`}`, describe(o)] as const,
  );
  const width = Math.min(24, Math.max(...rows.map(([l]) => l.length)) + 2);
  const lines = rows.map(([l, d]) => `  ${l.length >= width ? `${l}\n  ${' '.repeat(width)}` : l.padEnd(width)}${d}`);
  return [`usage: ${cmd.usage}`, '', cmd.summary, '', 'options:', ...lines, ...(cmd.notes ? ['', cmd.notes] : []), ''].join('\n');
}
