// Evaluates a job's `if:` the way GitHub does (its own expression library), for a given event.
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { truthy } from '@actions/expressions/result';

export interface Scenario {
  readonly github: Record<string, unknown>;
  readonly inputs?: Record<string, unknown>;
  readonly vars?: Record<string, unknown>;
  /** Results of the jobs this one needs: success, failure, cancelled or skipped. */
  readonly needs: Record<string, { result: string; outputs?: Record<string, string> }>;
}

// success() is true only when every needed job succeeded (GitHub also looks at their ancestors;
// the scenarios name those results directly).
function statusFunctions(scenario: Scenario, cancelled: boolean): FunctionDefinition[] {
  const failed = Object.values(scenario.needs).some((n) => n.result === 'failure');
  const succeeded = Object.values(scenario.needs).every((n) => n.result === 'success');
  const values: [string, boolean][] = [
    ['cancelled', cancelled],
    ['always', true],
    ['failure', failed],
    ['success', !cancelled && succeeded],
  ];
  return values.map(([name, value]) => ({ name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value) }));
}

const STATUS_CALL = /\b(?:success|failure|always|cancelled)\(\)/;

/** Whether a job with this `if:` runs in the scenario, with GitHub's implicit `success() &&`. */
export function jobRuns(condition: string | undefined, scenario: Scenario, cancelled = false): boolean {
  const written = (condition ?? '').replace(/^\$\{\{([\s\S]*)\}\}$/, '$1').trim();
  // GitHub adds success() unless the condition calls a status function itself.
  const source = written === '' ? 'success()' : STATUS_CALL.test(written) ? written : `success() && (${written})`;
  const functions = statusFunctions(scenario, cancelled);
  const tree = new Parser(new Lexer(source).lex().tokens, ['github', 'inputs', 'vars', 'needs'], functions).parse();
  const context = JSON.parse(JSON.stringify({ inputs: {}, vars: {}, ...scenario }), data.reviver) as data.Dictionary;
  return truthy(new Evaluator(tree, context, new Map(functions.map((f) => [f.name, f]))).evaluate());
}
