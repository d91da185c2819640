// Entry file of the grading process: registers tsx (the sources are TypeScript), then runs the host.
import { register } from 'tsx/esm/api';

register();
await import('./grading-host.ts');
