// Fills `@@NAME@@` placeholders in the bundle's text templates (unit, appspec, logrotate) with
// values from @hello/config, and refuses a template that uses a name nobody provides.

const PLACEHOLDER = /@@([A-Z][A-Z0-9_]*)@@/g;

export function renderTemplate(
  name: string,
  template: string,
  values: Readonly<Record<string, string | number>>,
): string {
  const missing = new Set<string>();
  const text = template.replace(PLACEHOLDER, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) {
      missing.add(key);
      return '';
    }
    return String(value);
  });
  if (missing.size > 0) {
    throw new Error(
      `${name}: no value for ${[...missing].map((k) => `@@${k}@@`).join(', ')}; known: ${Object.keys(values).join(', ')}`,
    );
  }
  return text;
}
