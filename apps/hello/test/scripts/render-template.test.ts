import t from 'tap';
import { renderTemplate } from '../../scripts/render-template.ts';

t.test('fills placeholders and refuses unknown ones', async (t) => {
  t.equal(
    renderTemplate('x', 'port @@PORT@@, user @@USER@@ @@PORT@@', { PORT: 8443, USER: 'hello' }),
    'port 8443, user hello 8443',
  );
  t.equal(renderTemplate('x', 'no @@placeholders@@ in lowercase', {}), 'no @@placeholders@@ in lowercase');
  t.throws(() => renderTemplate('unit', '@@A@@ @@B@@ @@B@@', { C: 1 }), /^unit: no value for @@A@@, @@B@@; known: C$/);
});
