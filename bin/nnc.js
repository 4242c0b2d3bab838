#!/usr/bin/env node
// The `nnc` command. The TypeScript sources are compiled to dist/ by `npm install` (the `prepare`
// script); a missing dist/ gets a sentence, not a stack trace.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('error: nnc is not built yet; run `npm install` (or `npm run build`) in its folder first\n');
  process.exit(70);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
