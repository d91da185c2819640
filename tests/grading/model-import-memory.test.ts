// A grading worker lives long: importing and disposing a model must leave no tensor behind.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { importModel } from '../../src/grading/model-import/index.ts';
import { loadTf, type Tf } from '../../src/grading/tf-backend.ts';
import { testDataPath } from '../support/test-data/locate.ts';

const fixtureDir = testDataPath('fixtures', 'models');
let tf: Tf;
beforeAll(async () => {
  ({ tf } = await loadTf());
});

it.each([
  '10_sunspots_causalconv1d_lstm_A5_k2.8.h5', // two LSTMs
  '09_bbc_emb_conv1d_lstm_B4_k2.13.h5', // one LSTM
  '08_sarcasm_emb_bilstm_C4_k2.8.h5', // two Bidirectional LSTMs
  '03_mnist_cnn_C2_fixedbatch32_k2.8.h5',
])('%s leaves no tensors after import and dispose', async (name) => {
  const before = tf.memory().numTensors;
  const imported = await importModel([{ name, bytes: readFileSync(path.join(fixtureDir, name)) }], { tf });
  imported.model.dispose();
  expect(tf.memory().numTensors).toBe(before);
});
