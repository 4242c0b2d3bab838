// `npm run package:vscode` (vsce, no dependencies, no signing) turns lsp/vscode/ into an installable
// .vsix: the manifest, the grammar, the language configuration and one bundle (dist/extension.js)
// that carries vscode-languageclient, so that the extension needs nothing installed beside it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The entries of a zip file (a .vsix is one), read from its central directory. */
function unzip(zip: Buffer): Map<string, Buffer> {
  const entries = new Map<string, Buffer>();
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = zip.readUInt32LE(end + 16);
  for (let n = zip.readUInt16LE(end + 10); n > 0; n--) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const local = zip.readUInt32LE(at + 42);
    const data = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(data, data + size);
    entries.set(name, method === 8 ? inflateRawSync(raw) : raw);
    at += 46 + skip;
  }
  return entries;
}

describe('the VS Code extension package', () => {
  it('npm run package:vscode makes a .vsix with one bundle that needs only vscode and Node', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'nnc-vsix-')), 'nn.vsix');
    const r = spawnSync('npm', ['run', '--silent', 'package:vscode', '--', '--out', out], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const entries = unzip(readFileSync(out));
    expect([...entries.keys()].filter((e) => e.startsWith('extension/')).sort()).toEqual(
      ['extension/LICENSE.txt', 'extension/dist/extension.js', 'extension/language-configuration.json', 'extension/package.json', 'extension/readme.md', 'extension/syntaxes/nn.tmLanguage.json'].sort(),
    );
    const bundle = entries.get('extension/dist/extension.js')!.toString('utf8');
    const required = new Set([...bundle.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!.replace(/^node:/, '')));
    expect([...required].filter((m) => m !== 'vscode' && !builtinModules.includes(m))).toEqual([]);
    expect(bundle).toContain('textDocument/publishDiagnostics'); // the client library is inside
    const manifest = JSON.parse(entries.get('extension/package.json')!.toString('utf8'));
    expect(manifest.main).toBe('./dist/extension.js');
    expect(manifest.contributes.languages[0]).toMatchObject({ id: 'nn', extensions: ['.nn'] });
    expect(manifest.contributes.commands).toContainEqual(expect.objectContaining({ command: 'nn.restartServer' }));
  }, 60_000);
});
