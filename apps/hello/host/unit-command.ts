// The command a systemd unit starts: ExecStart's binary and arguments, and its Environment=
// assignments. AfterInstall warms the compile cache with it and the bench starts the service
// with it, so both run what systemd runs.

export interface UnitCommand {
  readonly bin: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

// systemd's quoting, escapes and %-specifiers are not interpreted here: the unit's lines are
// plain words, and a line that needs more is refused rather than misread.
const NOT_PLAIN = /["'\\$%]/;

export function unitCommand(unit: string): UnitCommand {
  const exec = /^ExecStart=(.*)$/m.exec(unit)?.[1]?.trim();
  if (exec === undefined || exec === '') throw new Error('the unit has no ExecStart= command');
  if (NOT_PLAIN.test(exec))
    throw new Error(`ExecStart uses quoting or specifiers that are not interpreted here: ${exec}`);
  const [bin, ...args] = exec.split(/\s+/) as [string, ...string[]];
  const env: Record<string, string> = {};
  for (const [, line] of unit.matchAll(/^Environment=(.*)$/gm)) {
    if (NOT_PLAIN.test(line!))
      throw new Error(`Environment= uses quoting or specifiers that are not interpreted here: ${line}`);
    for (const pair of line!
      .trim()
      .split(/\s+/)
      .filter((p) => p !== '')) {
      const eq = pair.indexOf('=');
      if (eq < 1) throw new Error(`Environment= assignment ${JSON.stringify(pair)} is not NAME=value`);
      env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return { bin, args, env };
}
