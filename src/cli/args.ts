// A small flag parser shared by the commands: --name value, --name=value, --switch, positionals.
export interface Flags {
  readonly positional: string[];
  has(name: string): boolean;
  string(name: string): string | undefined;
  number(name: string, fallback: number): number;
  required(name: string): string;
}

/** `switches` are flags without a value. */
export function parseFlags(argv: readonly string[], switches: readonly string[] = []): Flags {
  const values = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq > 0 ? eq : undefined);
    if (eq > 0) values.set(name, a.slice(eq + 1));
    else if (switches.includes(name) || name === 'help') values.set(name, 'true');
    else {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new Error(`option --${name} needs a value`);
      values.set(name, v);
      i++;
    }
  }
  return {
    positional,
    has: (n) => values.has(n),
    string: (n) => values.get(n),
    number(n, fallback) {
      const v = values.get(n);
      if (v === undefined) return fallback;
      const x = Number(v);
      if (!Number.isFinite(x)) throw new Error(`--${n} must be a number, got "${v}"`);
      return x;
    },
    required(n) {
      const v = values.get(n);
      if (v === undefined) throw new Error(`missing --${n}; run with --help`);
      return v;
    },
  };
}
