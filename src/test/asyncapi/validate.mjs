// Parses an AsyncAPI document with the official parser (@asyncapi/parser) and prints every diagnostic; exits 1 when
// any is an error (or the document cannot be parsed at all), 0 otherwise: warnings do not fail the check.
import { readFile } from 'node:fs/promises';
import { Parser, DiagnosticSeverity } from '@asyncapi/parser';

const path = process.argv[2];
if (!path) {
  console.error('usage: node validate.mjs <asyncapi.yaml>');
  process.exit(2);
}
const { document, diagnostics } = await new Parser().parse(await readFile(path, 'utf8'), { source: path });
const names = { [DiagnosticSeverity.Error]: 'error', [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'information', [DiagnosticSeverity.Hint]: 'hint' };
for (const d of diagnostics) {
  console.log(`${names[d.severity]} ${d.code} at /${d.path.join('/')}: ${d.message}`);
}
const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).length;
console.log(`${path}: AsyncAPI ${document ? document.version() : '?'}, ${errors} errors, `
  + `${diagnostics.length - errors} other diagnostics`);
process.exit(errors === 0 && document ? 0 : 1);
