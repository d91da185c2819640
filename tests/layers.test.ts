// Which code may import which. The layers, lowest first; a file imports only from its own layer and
// the ones below, so each layer runs and is tested without those above it:
//
//   base          the files directly in src/ but app.ts (clock, log, config, member-error,
//                 result...), src/io/, src/db/, src/jobs/
//   datasets      src/datasets/: downloads, decoders, evaluation sets
//   grading       src/grading/: receives problem definitions as data, never picks them itself
//   features      src/render/, src/mockexam/, src/settings/, src/submissions/, src/tips/, src/privacy/,
//                 src/quiz/, src/reminders/, src/metrics/
//   problems      problems/: the catalog, handed to the features by the entry points
//   bot           src/bot/: the Discord adapter
//   commands      commands/
//   entry points  src/app.ts, src/cli/
//
// Only the bot, the commands and the entry points talk to Discord (discord.js). The scan reads
// static and dynamic imports with a regular expression: enough for this code base's import style.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const projectRoot = path.resolve(import.meta.dirname, '..');

const layers = [
  { name: 'base', paths: ['src/*', 'src/io/', 'src/db/', 'src/jobs/'] },
  { name: 'datasets', paths: ['src/datasets/'] },
  { name: 'grading', paths: ['src/grading/'] },
  { name: 'features', paths: ['src/render/', 'src/mockexam/', 'src/settings/', 'src/submissions/', 'src/tips/', 'src/privacy/', 'src/quiz/', 'src/reminders/', 'src/metrics/'] },
  { name: 'problems', paths: ['problems/'] },
  { name: 'bot', paths: ['src/bot/'] },
  { name: 'commands', paths: ['commands/'] },
  { name: 'entry points', paths: ['src/app.ts', 'src/study-services.ts', 'src/cli/'] },
] as const;

type LayerName = (typeof layers)[number]['name'];

/** Packages only some layers may use: the lowest layer allowed. */
const restrictedPackages: Record<string, LayerName> = { 'discord.js': 'bot' };

/** An import: `to` is a path from the project root (for the project's files) or a package name. */
interface ImportEdge {
  from: string;
  to: string;
}

/** A path is a file, a folder (ending in /), or src/*: the files directly in src/. */
function matches(file: string, pattern: string): boolean {
  if (pattern.endsWith('/')) return file.startsWith(pattern);
  if (pattern === 'src/*') return /^src\/[^/]+$/.test(file);
  return file === pattern;
}

/** The layer of a project file; a file named exactly (src/app.ts) wins over a pattern (src/*). */
function layerIndex(file: string): number {
  const named = layers.findIndex((layer) => layer.paths.some((pattern) => pattern === file));
  return named >= 0 ? named : layers.findIndex((layer) => layer.paths.some((pattern) => matches(file, pattern)));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(projectRoot, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|mts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.relative(projectRoot, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

const STATIC_IMPORT = /^[ \t]*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/gm;
const SIDE_EFFECT_IMPORT = /^[ \t]*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The imports of one file: relative ones resolved to project paths, packages by name (no subpath). */
function importsOf(file: string): ImportEdge[] {
  const text = readFileSync(path.join(projectRoot, file), 'utf8');
  const specifiers = [STATIC_IMPORT, SIDE_EFFECT_IMPORT, DYNAMIC_IMPORT].flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1]));
  return specifiers.map((specifier) => {
    if (specifier.startsWith('.')) {
      return { from: file, to: path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)) };
    }
    const parts = specifier.split('/');
    return { from: file, to: specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0] };
  });
}

/** The imports that point upward, or use a package the importing layer may not use, in words. */
function layerViolations(edges: ImportEdge[]): string[] {
  const violations: string[] = [];
  for (const { from, to } of edges) {
    const fromLayer = layerIndex(from);
    if (fromLayer < 0) continue;
    const restricted = restrictedPackages[to];
    const toLayer = restricted ? layers.findIndex((layer) => layer.name === restricted) : layerIndex(to);
    if (toLayer > fromLayer) {
      violations.push(`${from} (${layers[fromLayer].name}) imports ${to}, which only ${layers[toLayer].name} and above may use`);
    }
  }
  return violations;
}

const files = ['src', 'commands', 'problems'].flatMap(sourceFiles);
const edges = files.flatMap(importsOf);

describe('layers', () => {
  it('the scan finds one-line, multi-line and dynamic imports, of files and of packages', () => {
    const of = (file: string) => edges.filter((edge) => edge.from === file).map((edge) => edge.to);
    expect(of('src/grading/grader.ts')).toEqual(expect.arrayContaining(['piscina', 'src/grading/worker/protocol.ts', 'src/grading/limits.ts']));
    expect(of('src/mockexam/mock-exam-service.ts')).toEqual(expect.arrayContaining(['src/db/schema.ts', 'drizzle-orm']));
    expect(of('src/datasets/evaluation-sets.ts')).toEqual(expect.arrayContaining(['src/datasets/keras-text.ts', 'src/datasets/evaluation-source.ts']));
    expect(of('src/db/client.ts')).toEqual(expect.arrayContaining(['postgres', '@electric-sql/pglite', 'drizzle-orm']));
    expect(of('src/grading/worker/entry.mjs')).toEqual(expect.arrayContaining(['tsx', 'src/grading/worker/grade-worker.ts']));
    expect(of('src/app.ts')).toContain('discord.js');
  });

  it('every source file belongs to a layer', () => {
    expect(files.filter((file) => layerIndex(file) < 0)).toEqual([]);
  });

  it('reports an upward import and a Discord import below the bot', () => {
    expect(
      layerViolations([
        { from: 'src/grading/grader.ts', to: 'problems/index.ts' },
        { from: 'src/datasets/evaluation-sets.ts', to: 'src/grading/problem-types.ts' },
        { from: 'src/mockexam/week.ts', to: 'discord.js' },
        { from: 'src/tips/tip-service.ts', to: 'src/bot/command.ts' },
        { from: 'src/bot/router.ts', to: 'commands/grade.ts' },
        { from: 'src/bot/router.ts', to: 'src/grading/grader.ts' },
        { from: 'commands/grade.ts', to: 'discord.js' },
        { from: 'src/clock.ts', to: 'src/app.ts' },
        { from: 'src/app.ts', to: 'src/bot/router.ts' },
      ]),
    ).toEqual([
      'src/grading/grader.ts (grading) imports problems/index.ts, which only problems and above may use',
      'src/datasets/evaluation-sets.ts (datasets) imports src/grading/problem-types.ts, which only grading and above may use',
      'src/mockexam/week.ts (features) imports discord.js, which only bot and above may use',
      'src/tips/tip-service.ts (features) imports src/bot/command.ts, which only bot and above may use',
      'src/bot/router.ts (bot) imports commands/grade.ts, which only commands and above may use',
      'src/clock.ts (base) imports src/app.ts, which only entry points and above may use',
    ]);
  });

  it('src/grading never imports problems/, and src/datasets never imports src/grading', () => {
    const crossing = edges.filter(
      ({ from, to }) => (from.startsWith('src/grading/') && to.startsWith('problems/')) || (from.startsWith('src/datasets/') && to.startsWith('src/grading/')),
    );
    expect(crossing).toEqual([]);
  });

  it('no file imports from a layer above its own, and only the bot and above use discord.js', () => {
    expect(layerViolations(edges)).toEqual([]);
  });
});
