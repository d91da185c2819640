// Every real Keras file in the test data's fixtures/models imports and predicts finite values, with the
// facts recorded in SOURCES.txt asserted where it gives them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importModel, type ImportedModel } from '../../src/grading/model-import/index.ts';
import { loadTf, type Tf } from '../../src/grading/tf-backend.ts';
import { testDataPath } from '../support/test-data/locate.ts';

const fixtureDir = testDataPath('fixtures', 'models');

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await loadTf());
});

async function importFixture(name: string): Promise<ImportedModel> {
  return importModel([{ name, bytes: readFileSync(path.join(fixtureDir, name)) }], { tf });
}

/** Predicts on `batch` deterministic inputs (null dimensions set to `nullSize`) and returns the rows. */
function predictRows(imported: ImportedModel, batch: number, nullSize = 30, scale = 1): number[][] {
  return tf.tidy(() => {
    const shape = imported.inputShape.map((size, index) => (index === 0 ? batch : (size ?? nullSize)));
    const size = shape.reduce((product, dim) => product * dim, 1);
    const values = Float32Array.from({ length: size }, (_, index) => ((index * 7919) % 1000) / 1000 * scale);
    const output = imported.model.predict(tf.tensor(values, shape)) as ReturnType<Tf['tensor']>;
    const rows = output.reshape([batch, -1]).arraySync() as number[][];
    return rows;
  });
}

function expectFinite(rows: number[][]): void {
  for (const row of rows) for (const value of row) expect(Number.isFinite(value)).toBe(true);
}

function expectProbabilities(rows: number[][], classes: number): void {
  for (const row of rows) {
    expect(row).toHaveLength(classes);
    expect(row.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 4);
  }
}

describe('real Keras fixtures import and predict', () => {
  it('01 dense regression (Keras 2.5) predicts about 7 and 19 for -2 and 10', async () => {
    const imported = await importFixture('01_dense_regression_A1_k2.5.h5');
    expect(imported).toMatchObject({ format: 'keras2-h5', kerasVersion: '2.5.0', inputShape: [null, 1], outputShape: [null, 1], paramCount: 2 });
    const predicted = tf.tidy(() => (imported.model.predict(tf.tensor2d([[-2], [10]])) as ReturnType<Tf['tensor']>).dataSync());
    expect(predicted[0]).toBeCloseTo(6.989, 2);
    expect(predicted[1]).toBeCloseTo(18.997, 2);
    imported.model.dispose();
  });

  it('02 Normalization layer (bare mean/variance/count weights, int64 count) predicts about -1 and 23', async () => {
    const imported = await importFixture('02_dense_normalization_B1_k2.9.h5');
    expect(imported.format).toBe('keras2-h5');
    const predicted = tf.tidy(() => (imported.model.predict(tf.tensor2d([[-2], [10]])) as ReturnType<Tf['tensor']>).dataSync());
    expect(predicted[0]).toBeCloseTo(-1.034, 2);
    expect(predicted[1]).toBeCloseTo(22.973, 2);
    imported.model.dispose();
  });

  it('03 MNIST CNN with the batch size pinned to 32 reports it and still predicts a batch of 5', async () => {
    const imported = await importFixture('03_mnist_cnn_C2_fixedbatch32_k2.8.h5');
    expect(imported.inputShape).toEqual([32, 28, 28, 1]);
    expect(imported.outputShape).toEqual([32, 10]);
    const rows = predictRows(imported, 5);
    expectFinite(rows);
    expectProbabilities(rows, 10);
    imported.model.dispose();
  });

  it('04 Fashion-MNIST CNN (Keras 2.9)', async () => {
    const imported = await importFixture('04_fashion_mnist_cnn_B2_k2.9.h5');
    expect(imported).toMatchObject({ inputShape: [null, 28, 28, 1], outputShape: [null, 10], paramCount: 253322 });
    const rows = predictRows(imported, 3);
    expectFinite(rows);
    expectProbabilities(rows, 10);
    imported.model.dispose();
  });

  it('05 rock-paper-scissors CNN 150x150x3', async () => {
    const imported = await importFixture('05_rps_cnn_150x150_B3_k2.5.h5');
    expect(imported).toMatchObject({ inputShape: [null, 150, 150, 3], outputShape: [null, 3] });
    const rows = predictRows(imported, 2);
    expectFinite(rows);
    expectProbabilities(rows, 3);
    imported.model.dispose();
  });

  it('06 horse-or-human CNN with a sigmoid unit', async () => {
    const imported = await importFixture('06_horse_human_cnn_150x150_A2_k2.7.h5');
    expect(imported).toMatchObject({ inputShape: [null, 150, 150, 3], outputShape: [null, 1] });
    const rows = predictRows(imported, 2);
    expectFinite(rows);
    for (const [probability] of rows) expect(probability).toBeGreaterThanOrEqual(0);
    imported.model.dispose();
  });

  it('07 nested MobileNetV2 transfer model (NUL-padded weight names, weights under the outer group)', async () => {
    const imported = await importFixture('07_rps_transfer_mobilenetv2_teachablemachine_k2.4.h5');
    expect(imported).toMatchObject({ inputShape: [null, 224, 224, 3], outputShape: [null, 3], kerasVersion: '2.4.0' });
    expect(imported.layerCount).toBeGreaterThan(150);
    const rows = predictRows(imported, 1);
    expectFinite(rows);
    expectProbabilities(rows, 3);
    // A model whose BatchNormalization statistics stayed at their zero initial values would give
    // the same answer for every image; real weights distinguish two different images.
    const other = predictRows(imported, 1, 30, 0.2);
    expect(Math.max(...rows[0].map((value, index) => Math.abs(value - other[0][index])))).toBeGreaterThan(1e-3);
    imported.model.dispose();
  });

  it('08 sarcasm Embedding + two Bidirectional LSTMs', async () => {
    const imported = await importFixture('08_sarcasm_emb_bilstm_C4_k2.8.h5');
    expect(imported).toMatchObject({ inputShape: [null, 120], outputShape: [null, 1] });
    const ids = tf.tensor2d(Array.from({ length: 2 * 120 }, (_, index) => (index * 37) % 1000), [2, 120]);
    const rows = (imported.model.predict(ids) as ReturnType<Tf['tensor']>).arraySync() as number[][];
    ids.dispose();
    expectFinite(rows);
    for (const [probability] of rows) expect(probability).toBeGreaterThanOrEqual(0);
    imported.model.dispose();
  });

  it('09 BBC Embedding + Conv1D + LSTM (Keras 2.13 config with module/registered_name)', async () => {
    const imported = await importFixture('09_bbc_emb_conv1d_lstm_B4_k2.13.h5');
    expect(imported).toMatchObject({ inputShape: [null, 120], outputShape: [null, 6], kerasVersion: '2.13.1' });
    const ids = tf.tensor2d(Array.from({ length: 120 }, (_, index) => (index * 13) % 1000), [1, 120]);
    const rows = (imported.model.predict(ids) as ReturnType<Tf['tensor']>).arraySync() as number[][];
    ids.dispose();
    expectFinite(rows);
    expectProbabilities(rows, 6);
    imported.model.dispose();
  });

  it('10 sunspots causal Conv1D + LSTMs predicts a (batch, time, 1) sequence', async () => {
    const imported = await importFixture('10_sunspots_causalconv1d_lstm_A5_k2.8.h5');
    expect(imported).toMatchObject({ inputShape: [null, null, 1], outputShape: [null, null, 1] });
    const output = tf.tidy(() => {
      const window = tf.tensor3d(Array.from({ length: 30 }, (_, index) => 0.1 + 0.01 * index), [1, 30, 1]);
      return (imported.model.predict(window) as ReturnType<Tf['tensor']>).arraySync() as number[][][];
    });
    expect(output[0]).toHaveLength(30);
    expectFinite(output[0]);
    imported.model.dispose();
  });

  it('11 multivariate LSTM outputs (batch, 24)', async () => {
    const imported = await importFixture('11_power_multivariate_lstm_C5_k2.13.h5');
    expect(imported).toMatchObject({ inputShape: [null, 24, 7], outputShape: [null, 24] });
    expectFinite(predictRows(imported, 2));
    imported.model.dispose();
  });

  it('12 float64 input layer is translated to float32 and predicts', async () => {
    const imported = await importFixture('12_maxtemp_dense_float64_B5_k2.9.h5');
    expect(imported).toMatchObject({ inputShape: [null, null, 1], outputShape: [null, null, 1], inputDtype: 'float32' });
    expectFinite(predictRows(imported, 2, 64));
    imported.model.dispose();
  });

  it('13 (Keras 3 legacy .h5) and 14 (the same weights as .keras) give identical outputs', async () => {
    const legacy = await importFixture('13_mnist_dense_keras3.8_legacy.h5');
    const zipped = await importFixture('14_mnist_dense_keras3.8_same_weights_as_13.keras');
    expect(legacy).toMatchObject({ format: 'keras3-h5', kerasVersion: '3.8.0', inputShape: [null, 784], outputShape: [null, 10], paramCount: 101770 });
    expect(zipped).toMatchObject({ format: 'keras3-zip', kerasVersion: '3.8.0', inputShape: [null, 784], outputShape: [null, 10], paramCount: 101770 });
    const a = predictRows(legacy, 8, 30, 9);
    const b = predictRows(zipped, 8, 30, 9);
    expectFinite(a);
    expectProbabilities(a, 10);
    expect(b).toEqual(a);
    legacy.model.dispose();
    zipped.model.dispose();
  });

  it('15 Keras 3.10 .keras CNN (DTypePolicy objects with shared_object_id)', async () => {
    const imported = await importFixture('15_fashion_mnist_cnn_keras3.10.keras');
    expect(imported).toMatchObject({ format: 'keras3-zip', kerasVersion: '3.10.0', inputShape: [null, 28, 28, 1], outputShape: [null, 10] });
    const rows = predictRows(imported, 3);
    expectFinite(rows);
    expectProbabilities(rows, 10);
    imported.model.dispose();
  });

  it('16 Keras 3.3 .keras IMDB model outputs a logit for token ids of any length', async () => {
    const imported = await importFixture('16_imdb_emb_gap_keras3.3.keras');
    expect(imported).toMatchObject({ format: 'keras3-zip', kerasVersion: '3.3.3', inputShape: [null, null], outputShape: [null, 1] });
    const ids = tf.tensor2d(Array.from({ length: 2 * 250 }, (_, index) => (index * 101) % 10001), [2, 250]);
    const rows = (imported.model.predict(ids) as ReturnType<Tf['tensor']>).arraySync() as number[][];
    ids.dispose();
    expectFinite(rows);
    imported.model.dispose();
  });
});
