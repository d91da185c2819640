// Reads the hand-edited YAML lists of the knowledge base (tips, quiz questions) so that a loader can
// report every problem at once, each naming the file, the line and the entry's id.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, isSeq, parseDocument } from 'yaml';
import type { z } from 'zod';

export type Located = { value: unknown; line: number | undefined };
export type ParsedFile = { items: Located[] } | undefined;

/** Describes zod issues as `field "title" is missing` / `unknown field "snipet"`. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      return `unknown field${issue.keys.length === 1 ? '' : 's'} ${keys}`;
    }
    const field = issue.path.length > 0 ? `field "${issue.path.join('.')}"` : 'entry';
    return `${field} ${issue.message}`;
  });
}

/** Reads a YAML file that must hold a list; records problems and returns undefined when it cannot. */
export async function readYamlList(dir: string, relative: string, problems: string[]): Promise<ParsedFile> {
  let source: string;
  try {
    source = await readFile(join(dir, relative), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.push(`${relative}: cannot be read (${code === 'ENOENT' ? 'file not found' : String(error)}).`);
    return undefined;
  }
  return parseYamlList(source, relative, problems);
}

/**
 * Parses YAML (or JSON, which YAML reads too) that must hold a list, each entry with the line it
 * starts on; records problems under `label` and returns undefined when it cannot.
 */
export function parseYamlList(source: string, label: string, problems: string[]): ParsedFile {
  const lineCounter = new LineCounter();
  const document = parseDocument(source, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      problems.push(`${label}: YAML syntax error: ${error.message.split('\n')[0].replace(/:\s*$/, '')}.`);
    }
    return undefined;
  }
  const contents = document.contents;
  if (contents === null) {
    problems.push(`${label}: the file is empty; it should hold a list of entries.`);
    return undefined;
  }
  if (!isSeq(contents)) {
    problems.push(`${label}: the file should hold a list of entries (each starting with "- "), not a single value or mapping.`);
    return undefined;
  }
  const values = document.toJS() as unknown[];
  const items = contents.items.map((node, index) => {
    const offset = (node as { range?: [number, number, number] } | null)?.range?.[0];
    return {
      value: values[index],
      line: offset === undefined ? undefined : lineCounter.linePos(offset).line,
    };
  });
  return { items };
}

/** Where an entry is, for a problem: `tips/nlp.yaml line 12, entry #3 "tokenizer"`. */
export function where(file: string, index: number, line: number | undefined, id?: unknown): string {
  const at = line === undefined ? '' : ` line ${line}`;
  const name = typeof id === 'string' && id !== '' ? ` "${id}"` : '';
  return `${file}${at}, entry #${index + 1}${name}`;
}

/** The entry's `id`, whatever it is. */
export function idOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
}
