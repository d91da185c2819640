// `tf-study-bot datasets fetch`: puts every dataset in DATA_DIR/datasets ahead of time, from
// DATASET_MIRROR or the canonical URLs, for servers that are offline when members grade. The
// files are obtained and checked exactly as a grade would (ensureDataset), one line per file.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { DatasetUnavailableError, datasetsRoot, ensureDataset, type EnsureDatasetOptions, type ObtainedPart } from '../datasets/ensure.ts';
import { datasets, type DatasetId } from '../datasets/registry.ts';
import { EXIT } from './exit-codes.ts';

export const datasetsUsage = [
  'usage: tf-study-bot datasets fetch',
  '',
  'Downloads (or copies from DATASET_MIRROR) every dataset the problems grade on into',
  'DATA_DIR/datasets, each checked by its sha256, so grading needs no network afterwards.',
  'Files already there and intact are kept.',
  '',
  `exit codes: ${EXIT.ok} every dataset is in place, ${EXIT.failure} some could not be obtained, ${EXIT.misuse} misuse`,
].join('\n');

export type FetchOutput = { progress(line: string): void; problem(line: string): void };

function describeObtained({ part, source, location }: ObtainedPart): string {
  return source === 'cache' ? `${part}: already in ${location}` : `${part}: from ${source} ${location}`;
}

/** Ensures every dataset in turn; returns the ids that could not be obtained. */
export async function fetchDatasets(options: Omit<EnsureDatasetOptions, 'onObtained'>, output: FetchOutput): Promise<DatasetId[]> {
  const failed: DatasetId[] = [];
  for (const id of Object.keys(datasets) as DatasetId[]) {
    try {
      await ensureDataset(id, { ...options, onObtained: (obtained) => output.progress(describeObtained(obtained)) });
    } catch (error) {
      if (!(error instanceof DatasetUnavailableError)) throw error;
      failed.push(id);
      // The message's lines (what was tried, where to put the file) as one line.
      output.problem(error.message.split('\n').map((line) => line.trim()).join(' '));
    }
  }
  return failed;
}

export const datasetsCommand = {
  describe: 'download every dataset into DATA_DIR ahead of time',
  usage: datasetsUsage,
  async run(args: string[]): Promise<number> {
    const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
    if (positionals.length !== 1 || positionals[0] !== 'fetch') {
      console.error(`tf-study-bot datasets: ${positionals.length === 0 ? 'say what to do' : `unknown action "${positionals.join(' ')}"`}\n\n${datasetsUsage}`);
      return EXIT.misuse;
    }
    const config = loadConfig();
    const failed = await fetchDatasets(
      { dataDir: config.dataDir, mirror: config.datasetMirror },
      { progress: (line) => console.log(line), problem: (line) => console.error(`tf-study-bot datasets: ${line}`) },
    );
    const total = Object.keys(datasets).length;
    if (failed.length > 0) {
      console.error(`tf-study-bot datasets: ${failed.length} of ${total} datasets could not be obtained (${failed.join(', ')}); grades on them fail until they are.`);
      return EXIT.failure;
    }
    console.log(`${total} datasets in ${datasetsRoot(config.dataDir)}`);
    return EXIT.ok;
  },
};
