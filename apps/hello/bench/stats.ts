// The bench's arithmetic: medians, and ratios taken within each round (paired), because this
// kind of VM's speed drifts between rounds and moves both servers of a round alike.

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
}

/** The median of the rounds' own ratios a[i] / b[i]. */
export const pairedRatio = (a: readonly number[], b: readonly number[]): number =>
  median(a.map((x, i) => x / (b[i] ?? NaN)));

/** `ratio` against a goal, as the table prints it. */
export function verdict(ratio: number, goal: number, higherIsBetter: boolean): string {
  const met = higherIsBetter ? ratio >= goal : ratio <= goal;
  return `${ratio.toFixed(2)} (goal ${higherIsBetter ? '>=' : '<='} ${goal.toFixed(1)}: ${met ? 'met' : 'MISSED'})`;
}
