// Which uploads /grade accepts, judged from names and declared sizes before anything is downloaded.
import { formatBytes } from '../grading/limits.ts';
import { tooLargeMessage } from './download.ts';

export const ACCEPTED_EXTENSIONS = ['.h5', '.hdf5', '.keras', '.zip', '.json', '.bin'] as const;

export type DeclaredUpload = { name: string; size: number };

/** Problems with the declared uploads, in words for the member; empty when they may be downloaded. */
export function checkDeclaredUploads(uploads: DeclaredUpload[], maxBytes: number): string[] {
  const problems: string[] = [];
  for (const upload of uploads) {
    const lower = upload.name.toLowerCase();
    if (!ACCEPTED_EXTENSIONS.some((ext) => lower.endsWith(ext))) {
      const hint = lower.endsWith('.py') || lower.endsWith('.ipynb')
        ? ' Upload the trained model, not the code: run model.save("model.h5") and upload model.h5.'
        : lower.endsWith('.pb')
          ? ' A SavedModel is a folder: zip it, or better, save model.h5.'
          : ' Save your model with model.save("model.h5") and upload that file.';
      problems.push(`${upload.name} is not a model file the grader reads (${ACCEPTED_EXTENSIONS.join(', ')}).${hint}`);
    }
    if (upload.size === 0) problems.push(`${upload.name} is empty (0 bytes).`);
  }
  const total = uploads.reduce((sum, u) => sum + u.size, 0);
  if (uploads.length === 1 && total > maxBytes) problems.push(tooLargeMessage(uploads[0].name, total, maxBytes));
  else if (total > maxBytes) problems.push(`Together the files are ${formatBytes(total, { kilobyteDecimals: 0 })}; the grader takes up to ${formatBytes(maxBytes, { kilobyteDecimals: 0 })}.`);
  return problems;
}
