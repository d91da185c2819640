// The compatibility shims (causal Conv1D, Normalization, inference no-op layers), the
// parameter-counting initializer, and building translated Keras 3 configs in tfjs.
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelRejectedError } from '../../src/grading/errors.ts';
import { buildModel } from '../../src/grading/model-import/build.ts';
import type { JsonObject } from '../../src/grading/model-import/keras-config.ts';
import { loadTf, type Tf } from '../../src/grading/tf-backend.ts';

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await loadTf());
});

const input = (shape: (number | null)[], dtype = 'float32'): JsonObject => ({
  class_name: 'InputLayer',
  config: { batch_input_shape: shape, dtype, name: 'input' },
});
const sequential = (...layers: JsonObject[]): JsonObject => ({ class_name: 'Sequential', config: { name: 'sequential', layers } });

function predict(model: Awaited<ReturnType<typeof buildModel>>, values: number[], shape: number[]): number[] {
  return tf.tidy(() => Array.from((model.predict(tf.tensor(values, shape)) as ReturnType<Tf['tensor']>).dataSync()));
}

describe('CausalConv1D shim', () => {
  it('left-pads by (kernel - 1) and matches a hand-computed causal convolution', async () => {
    const model = await buildModel(
      tf,
      sequential(input([null, 4, 1]), { class_name: 'Conv1D', config: { name: 'conv', filters: 1, kernel_size: [2], padding: 'causal', use_bias: false, activation: 'linear' } }),
      1e6,
    );
    // kernel[0] multiplies x[t-1], kernel[1] multiplies x[t]: y[t] = 1 * x[t-1] + 2 * x[t], x[-1] = 0.
    model.getLayer('conv').setWeights([tf.tensor3d([[[1]], [[2]]])]);
    expect(model.outputs[0].shape).toEqual([null, 4, 1]);
    expect(predict(model, [1, 2, 3, 4], [1, 4, 1])).toEqual([2, 5, 8, 11]);
    model.dispose();
  });

  it('pads by (kernel - 1) x dilation with a dilation rate', async () => {
    const model = await buildModel(
      tf,
      sequential(input([null, null, 1]), {
        class_name: 'Conv1D',
        config: { name: 'conv', filters: 1, kernel_size: [2], dilation_rate: [2], padding: 'causal', use_bias: true, activation: 'linear' },
      }),
      1e6,
    );
    // y[t] = 1 * x[t-2] + 2 * x[t] + 0.5
    model.getLayer('conv').setWeights([tf.tensor3d([[[1]], [[2]]]), tf.tensor1d([0.5])]);
    expect(predict(model, [1, 2, 3, 4, 5], [1, 5, 1])).toEqual([2.5, 4.5, 7.5, 10.5, 13.5]);
    model.dispose();
  });
});

describe('Normalization shim', () => {
  it('computes (x - mean) / sqrt(variance) per feature for axis -1', async () => {
    const model = await buildModel(tf, sequential(input([null, 3]), { class_name: 'Normalization', config: { name: 'norm', axis: [-1], mean: null, variance: null } }), 1e6);
    const layer = model.getLayer('norm');
    expect(layer.weights.map((weight) => weight.shape)).toEqual([[3], [3], []]);
    layer.setWeights([tf.tensor1d([1, 2, 3]), tf.tensor1d([4, 9, 16]), tf.scalar(10)]);
    const out = predict(model, [3, 2, 11, 1, 5, 3], [2, 3]);
    [1, 0, 2, 0, 1, 0].forEach((expected, index) => expect(out[index]).toBeCloseTo(expected, 6));
    model.dispose();
  });

  it('uses one scalar mean and variance when axis is null, and inverts when asked', async () => {
    const model = await buildModel(
      tf,
      sequential(input([null, 2]), { class_name: 'Normalization', config: { name: 'norm', axis: null, invert: true, mean: null, variance: null } }),
      1e6,
    );
    const layer = model.getLayer('norm');
    expect(layer.weights.map((weight) => weight.shape)).toEqual([[], [], []]);
    layer.setWeights([tf.scalar(10), tf.scalar(4), tf.scalar(3)]);
    // invert: mean + x * sqrt(variance)
    expect(predict(model, [0, 1, -1, 2], [2, 2])).toEqual([10, 12, 8, 14]);
    model.dispose();
  });

  it('uses mean and variance given as constants in the config', async () => {
    const model = await buildModel(tf, sequential(input([null, 1]), { class_name: 'Normalization', config: { name: 'norm', axis: [-1], mean: [4], variance: [4] } }), 1e6);
    expect(model.getLayer('norm').weights).toHaveLength(0);
    expect(predict(model, [4, 8], [2, 1])).toEqual([0, 2]);
    model.dispose();
  });
});

describe('inference no-op layers', () => {
  it('builds RandomFlip, RandomRotation, RandomZoom, RandomTranslation and RandomContrast as identities', async () => {
    const noOps = ['RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomTranslation', 'RandomContrast'].map((className, index) => ({
      class_name: className,
      config: { name: `augment_${index}`, mode: 'horizontal', factor: 0.2 },
    }));
    const model = await buildModel(tf, sequential(input([null, 2, 2, 1]), ...noOps), 1e6);
    expect(predict(model, [1, 2, 3, 4], [1, 2, 2, 1])).toEqual([1, 2, 3, 4]);
    model.dispose();
  });
});

describe('parameter budget while building', () => {
  it('refuses a model declaring 100M parameters before allocating them', async () => {
    const huge = sequential(input([null, 10_000]), { class_name: 'Dense', config: { name: 'huge', units: 10_000, kernel_initializer: { class_name: 'GlorotUniform', config: {} } } });
    const memoryBefore = tf.memory().numBytes;
    const error = await buildModel(tf, huge, 5_000_000).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelRejectedError);
    expect((error as ModelRejectedError).code).toBe('too-many-params');
    expect((error as ModelRejectedError).memberMessage).toContain('5,000,000');
    // The 400 MB kernel was never allocated.
    expect(tf.memory().numBytes - memoryBefore).toBeLessThan(1_000_000);
  });

  it('replaces the slow Orthogonal initializer of an LSTM (weights start at zero)', async () => {
    const model = await buildModel(
      tf,
      sequential(input([null, 5, 2]), {
        class_name: 'LSTM',
        config: { name: 'lstm', units: 8, recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1, seed: null } } },
      }),
      1e6,
    );
    const [, recurrent] = model.getLayer('lstm').getWeights();
    expect(recurrent.shape).toEqual([8, 32]);
    expect(tf.tidy(() => recurrent.abs().max().dataSync()[0])).toBe(0);
    model.dispose();
  });
});

describe('building translated Keras 3 configs', () => {
  it('builds a Keras 3 Functional model with a skip connection and computes with set weights', async () => {
    const tensor = (layer: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 2], dtype: 'float32', keras_history: [layer, 0, 0] } });
    const config: JsonObject = {
      module: 'keras',
      class_name: 'Functional',
      config: {
        name: 'functional',
        trainable: true,
        layers: [
          { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 2], dtype: 'float32', sparse: false, name: 'input_layer' }, registered_name: null, name: 'input_layer', inbound_nodes: [] },
          {
            module: 'keras.layers',
            class_name: 'Dense',
            config: { name: 'dense', trainable: true, dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null }, units: 2, activation: 'linear', use_bias: true },
            registered_name: null,
            build_config: { input_shape: [null, 2] },
            name: 'dense',
            inbound_nodes: [{ args: [tensor('input_layer')], kwargs: {} }],
          },
          {
            module: 'keras.layers',
            class_name: 'Add',
            config: { name: 'add', trainable: true, dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null } },
            registered_name: null,
            name: 'add',
            inbound_nodes: [{ args: [[tensor('dense'), tensor('input_layer')]], kwargs: {} }],
          },
        ],
        input_layers: [['input_layer', 0, 0]],
        output_layers: [['add', 0, 0]],
      },
      registered_name: 'Functional',
    };
    const model = await buildModel(tf, config, 1e6);
    model.getLayer('dense').setWeights([tf.tensor2d([[2, 0], [0, 3]]), tf.tensor1d([1, 1])]);
    // dense(x) + x = [2a + 1 + a, 3b + 1 + b]
    expect(predict(model, [1, 2], [1, 2])).toEqual([4, 9]);
    model.dispose();
  });
});
