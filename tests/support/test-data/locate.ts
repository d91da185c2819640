// Which folder holds the test data (the files in manifest.json, laid out as in ../shared). One
// folder holds all of it, chosen the same way in every process of a run:
//   1. TEST_DATA_DIR, when set;
//   2. else ../shared beside the project, when it exists;
//   3. else the cache: TEST_DATA_CACHE, default ~/.cache/tf-study-bot/test-data, which
//      ensureTestData (ensure.ts) fills before the tests start.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

export type TestDataSource = 'TEST_DATA_DIR' | '../shared' | 'cache';

export interface TestDataLocation {
  source: TestDataSource;
  dir: string;
}

export function sharedDirBeside(projectRoot: string): string {
  return path.resolve(projectRoot, '..', 'shared');
}

export function testDataCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.TEST_DATA_CACHE) return path.resolve(env.TEST_DATA_CACHE);
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'tf-study-bot', 'test-data');
}

export function locateTestData(env: NodeJS.ProcessEnv = process.env, projectRoot = PROJECT_ROOT): TestDataLocation {
  if (env.TEST_DATA_DIR) return { source: 'TEST_DATA_DIR', dir: path.resolve(env.TEST_DATA_DIR) };
  const shared = sharedDirBeside(projectRoot);
  if (existsSync(shared)) return { source: '../shared', dir: shared };
  return { source: 'cache', dir: testDataCacheDir(env) };
}

/**
 * A test-data path, e.g. testDataPath('fixtures', 'models', name). The file is there once
 * ensureTestData has run: vitest's global setup runs it before any test file.
 */
export function testDataPath(...relative: string[]): string {
  return path.join(locateTestData().dir, ...relative);
}
