// The request target as it may be logged: the path, and of the query only the parameter names
// (`/search?token&page`), never their values (tokens, e-mail addresses, ...).
export function logUrl(url: string): string {
  const query = url.indexOf('?');
  if (query === -1) return url;
  const names = url
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq === -1 ? pair : pair.slice(0, eq);
    });
  return `${url.slice(0, query)}?${names.filter((n) => n !== '').join('&')}`;
}
