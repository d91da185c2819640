// The human-facing files of a problem: its statement and its Keras starter.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

function problemFilePath(problemId: string, file: 'README.md' | 'starter.py'): string {
  if (!/^[a-z0-9-]+$/.test(problemId)) throw new Error(`not a problem id: ${problemId}`);
  return fileURLToPath(new URL(`./${problemId}/${file}`, import.meta.url));
}

export async function readProblemStatement(problemId: string): Promise<string> {
  return readFile(problemFilePath(problemId, 'README.md'), 'utf8');
}

export async function readStarter(problemId: string): Promise<Buffer> {
  return readFile(problemFilePath(problemId, 'starter.py'));
}
