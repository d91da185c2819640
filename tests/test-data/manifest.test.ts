// The test-data manifest: pinned URLs, and the same bytes the product's dataset registry expects.
import { describe, expect, it } from 'vitest';
import { datasets } from '../../src/datasets/registry.ts';
import { loadTestDataManifest } from '../support/test-data/manifest.ts';

const files = loadTestDataManifest();
const byName = new Map(files.map((file) => [file.name, file]));

describe('test-data manifest', () => {
  it('names each file once, and pins each URL to a git commit', () => {
    expect(byName.size).toBe(files.length);
    for (const file of files) expect(file.url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/[0-9a-f]{40}\//);
  });

  it("holds every dataset file with the size and sha256 of the product's registry", () => {
    for (const dataset of Object.values(datasets)) {
      if (dataset.kind === 'files') {
        for (const file of dataset.files) {
          expect(byName.get(`datasets/${dataset.folder}/${file.name}`), file.name).toMatchObject({ bytes: file.bytes, sha256: file.sha256 });
        }
      } else {
        const prefix = `datasets/${dataset.folder}/${dataset.extractedFolder}/`;
        const inManifest = files.filter((file) => file.name.startsWith(prefix)).map((file) => [file.name.slice(prefix.length), file.sha256]);
        expect(inManifest.sort()).toEqual(dataset.manifest.map(([relative, sha256]) => [relative, sha256]).sort());
      }
    }
  });
});
