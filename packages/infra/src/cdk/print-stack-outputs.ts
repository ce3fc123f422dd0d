// Prints the outputs file `cdk deploy --outputs-file` wrote: each stack's endpoint URL and names.

export type StackOutputs = Readonly<Record<string, Readonly<Record<string, string>>>>;

export function formatStackOutputs(outputs: StackOutputs): string {
  const lines: string[] = [];
  for (const [stack, values] of Object.entries(outputs)) {
    lines.push(`${stack}`);
    const width = Math.max(0, ...Object.keys(values).map((k) => k.length));
    for (const [key, value] of Object.entries(values)) lines.push(`  ${key.padEnd(width)}  ${value}`);
    if (Object.keys(values).length === 0) lines.push('  (no outputs)');
  }
  return `${lines.join('\n')}\n`;
}
