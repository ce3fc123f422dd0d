// @actions/workflow-parser imports its JSON schemas without `with { type: 'json' }`, which only
// bundlers and tsx accept; Node itself (and tap's TypeScript loader) refuse the import. This
// registers a module hook that adds the attribute to such imports, so the parser loads anywhere.
import { register } from 'node:module';

const HOOK = `
export async function load(url, context, nextLoad) {
  if (new URL(url).pathname.endsWith('.json') && context.importAttributes?.type === undefined) {
    return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } });
  }
  return nextLoad(url, context);
}`;

let registered = false;

/** Installs the hook once; call it before importing a module that imports JSON bare. */
export function allowJsonImports(): void {
  if (registered) return;
  register(`data:text/javascript,${encodeURIComponent(HOOK)}`);
  registered = true;
}
