import type { IncomingMessage } from 'node:http';

/** A file part of a multipart request (`files[n]`), with its bytes kept for tests to inspect. */
export interface UploadedFile {
  /** The form field name, e.g. `files[0]`. */
  field: string;
  /** The index n of a `files[n]` field, or null for another field name. */
  index: number | null;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface ParsedBody {
  kind: 'none' | 'json' | 'multipart' | 'other';
  /** The JSON body, or the parsed `payload_json` of a multipart body; undefined when there is none. */
  json: unknown;
  files: UploadedFile[];
  /** Why the body could not be read, if it could not. */
  error: string | null;
}

export async function readRawBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Parses a request body the way Discord reads it: JSON, or multipart/form-data with a
 * `payload_json` part and `files[n]` parts. Multipart is decoded with the platform's own
 * `Request.formData()` (undici), which every supported Node version ships.
 */
export async function parseBody(contentType: string | undefined, raw: Buffer): Promise<ParsedBody> {
  if (raw.length === 0) return { kind: 'none', json: undefined, files: [], error: null };
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('application/json')) {
    try {
      return { kind: 'json', json: JSON.parse(raw.toString('utf8')), files: [], error: null };
    } catch (error) {
      return { kind: 'json', json: undefined, files: [], error: `body is not valid JSON: ${(error as Error).message}` };
    }
  }
  if (type.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Request('http://fake.invalid/', {
        method: 'POST',
        headers: { 'content-type': contentType! },
        body: raw,
      }).formData();
    } catch (error) {
      return { kind: 'multipart', json: undefined, files: [], error: `multipart body could not be parsed: ${(error as Error).message}` };
    }
    const files: UploadedFile[] = [];
    let json: unknown = undefined;
    let error: string | null = null;
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') {
        if (field === 'payload_json') {
          try {
            json = JSON.parse(value);
          } catch (parseError) {
            error = `payload_json is not valid JSON: ${(parseError as Error).message}`;
          }
        } else {
          error ??= `unexpected multipart text field "${field}" (Discord reads only payload_json and files[n])`;
        }
        continue;
      }
      const match = /^files\[(\d+)\]$/.exec(field);
      files.push({
        field,
        index: match ? Number(match[1]) : null,
        filename: (value as File).name,
        contentType: value.type || 'application/octet-stream',
        bytes: Buffer.from(await value.arrayBuffer()),
      });
    }
    return { kind: 'multipart', json, files, error };
  }
  return { kind: 'other', json: undefined, files: [], error: `unsupported content type "${contentType ?? ''}"` };
}
