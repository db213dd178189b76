/**
 * Writes dist/THIRD-PARTY-NOTICES.txt: for every package esbuild put into dist/crosscheck.mjs
 * (read from its metafile), the name, version, licence and the full text of each licence file it
 * ships, then the licence comments esbuild collected from inside bundled files (libraries that
 * other libraries bundle, such as the noble cryptography in OpenPGP.js). Run by `npm run bundle`.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
const meta = JSON.parse(readFileSync(join(root, 'dist', 'crosscheck.meta.json'), 'utf8')) as {
  inputs: Record<string, unknown>;
};
const packages = new Set<string>();
for (const input of Object.keys(meta.inputs)) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (match) packages.add(match[1]!);
}
const LICENCE_FILE = /^(licen[cs]e|copying|notice)/i;
const parts = [
  'crosscheck bundles the following packages into dist/crosscheck.mjs. Their licences follow, each',
  'as the package ships it. crosscheck itself is under the BSD 3-Clause licence (LICENSE).',
  '',
];
for (const name of [...packages].sort()) {
  const dir = join(root, 'node_modules', name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    version: string;
    license?: string;
    homepage?: string;
  };
  const files = readdirSync(dir)
    .filter((file) => LICENCE_FILE.test(file))
    .sort();
  if (files.length === 0) throw new Error(`${name} ships no licence file: its notice cannot be reproduced`);
  parts.push(
    '='.repeat(78),
    `${name} ${manifest.version} — ${manifest.license ?? 'licence not declared'}${manifest.homepage ? ` — ${manifest.homepage}` : ''}`,
    '='.repeat(78),
    '',
  );
  for (const file of files) parts.push(`--- ${name}/${file}`, readFileSync(join(dir, file), 'utf8').trimEnd(), '');
}
const legal = join(root, 'dist', 'crosscheck.mjs.LEGAL.txt');
if (existsSync(legal))
  parts.push(
    '='.repeat(78),
    'Licence comments found inside the bundled files',
    '='.repeat(78),
    '',
    readFileSync(legal, 'utf8').trimEnd(),
    '',
  );
writeFileSync(join(root, 'dist', 'THIRD-PARTY-NOTICES.txt'), `${parts.join('\n')}\n`);
