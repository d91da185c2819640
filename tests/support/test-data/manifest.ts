// The test-data manifest (manifest.json): every external file the tests and benchmarks read, with a
// URL pinned to a git commit, its size and its sha256. Names are paths under the test-data folder,
// in the layout of ../shared: datasets/<dataset>/<file>, fixtures/models/<file>,
// discord-api-spec/openapi.json.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const relativePath = z
  .string()
  .regex(/^[\w.-]+(\/[\w.-]+)*$/)
  .refine((name) => !name.split('/').some((segment) => segment === '.' || segment === '..'), 'must stay inside the test-data folder');

const TestDataFileSchema = z.object({
  name: relativePath,
  url: z.url({ protocol: /^https?$/ }),
  bytes: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export type TestDataFile = z.infer<typeof TestDataFileSchema>;

export const MANIFEST_PATH = path.join(import.meta.dirname, 'manifest.json');

export function loadTestDataManifest(file = MANIFEST_PATH): TestDataFile[] {
  const manifest = z.object({ about: z.string(), files: z.array(TestDataFileSchema) });
  return manifest.parse(JSON.parse(readFileSync(file, 'utf8'))).files;
}
