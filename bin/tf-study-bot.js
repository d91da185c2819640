#!/usr/bin/env node
// The command line entry. The sources are TypeScript run through tsx, so there is no build step
// between `npm ci` and `npm start`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
