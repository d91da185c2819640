// Keras config translation (Keras 3 -> the form tfjs builds) and layer validation.
import { describe, expect, it } from 'vitest';
import { ModelRejectedError } from '../../src/grading/errors.ts';
import {
  countingZerosClassName,
  listLayers,
  normaliseDtype,
  translateInboundNodes,
  translateKerasConfig,
  validateLayers,
  type JsonObject,
} from '../../src/grading/model-import/keras-config.ts';

const kerasTensor = (layer: string, node = 0, tensor = 0) => ({
  class_name: '__keras_tensor__',
  config: { shape: [null, 4], dtype: 'float32', keras_history: [layer, node, tensor] },
});

const policy = (name: string) => ({ module: 'keras', class_name: 'DTypePolicy', config: { name }, registered_name: null });

function keras3Functional(): JsonObject {
  return {
    module: 'keras',
    class_name: 'Functional',
    config: {
      name: 'functional',
      trainable: true,
      layers: [
        {
          module: 'keras.layers',
          class_name: 'InputLayer',
          config: { batch_shape: [null, 4], dtype: 'float32', sparse: false, name: 'input_layer', optional: false },
          registered_name: null,
          name: 'input_layer',
          inbound_nodes: [],
        },
        {
          module: 'keras.layers',
          class_name: 'Dense',
          config: {
            name: 'dense',
            trainable: true,
            dtype: policy('mixed_float16'),
            units: 4,
            activation: 'relu',
            use_bias: true,
            kernel_initializer: { module: 'keras.initializers', class_name: 'Orthogonal', config: { gain: 1, seed: null }, registered_name: null },
            bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
            kernel_regularizer: { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.01 }, registered_name: null },
            bias_regularizer: null,
            kernel_constraint: null,
            bias_constraint: null,
          },
          registered_name: null,
          build_config: { input_shape: [null, 4] },
          name: 'dense',
          inbound_nodes: [{ args: [kerasTensor('input_layer')], kwargs: {} }],
        },
        {
          module: 'keras.layers',
          class_name: 'Add',
          config: { name: 'add', trainable: true, dtype: policy('float32') },
          registered_name: null,
          build_config: { input_shape: [[null, 4], [null, 4]] },
          name: 'add',
          inbound_nodes: [{ args: [[kerasTensor('dense'), kerasTensor('input_layer')]], kwargs: { training: false } }],
        },
      ],
      input_layers: ['input_layer', 0, 0],
      output_layers: ['add', 0, 0],
    },
    registered_name: 'Functional',
    build_config: { input_shape: null },
    compile_config: { loss: 'mse' },
  };
}

describe('translateKerasConfig', () => {
  const translated = translateKerasConfig(keras3Functional());
  const layers = (translated.config as JsonObject).layers as JsonObject[];

  it('drops module, registered_name, build_config and compile_config everywhere', () => {
    const text = JSON.stringify(translated);
    for (const key of ['module', 'registered_name', 'build_config', 'compile_config']) expect(text).not.toContain(`"${key}"`);
  });

  it('turns InputLayer batch_shape into batch_input_shape', () => {
    expect(layers[0].config).toEqual({ batch_input_shape: [null, 4], dtype: 'float32', sparse: false, name: 'input_layer' });
  });

  it('replaces DTypePolicy objects by a dtype name tfjs has (mixed_float16 -> float32)', () => {
    expect((layers[1].config as JsonObject).dtype).toBe('float32');
    expect((layers[2].config as JsonObject).dtype).toBe('float32');
  });

  it('replaces every initializer by the counting zeros and drops regularizers', () => {
    const dense = layers[1].config as JsonObject;
    expect(dense.kernel_initializer).toEqual({ class_name: countingZerosClassName, config: {} });
    expect(dense.bias_initializer).toEqual({ class_name: countingZerosClassName, config: {} });
    expect(dense.kernel_regularizer).toBeNull();
  });

  it('rewrites Keras 3 inbound nodes and single-tensor input/output lists into the Keras 2 form', () => {
    expect(layers[0].inbound_nodes).toEqual([]);
    expect(layers[1].inbound_nodes).toEqual([[['input_layer', 0, 0, {}]]]);
    expect(layers[2].inbound_nodes).toEqual([[['dense', 0, 0, { training: false }], ['input_layer', 0, 0, { training: false }]]]);
    const config = translated.config as JsonObject;
    expect(config.input_layers).toEqual([['input_layer', 0, 0]]);
    expect(config.output_layers).toEqual([['add', 0, 0]]);
  });

  it('leaves Keras 2 inbound nodes as they are and drops tensor-valued kwargs', () => {
    const keras2 = [[['conv', 0, 0, {}]]];
    expect(translateInboundNodes(keras2)).toEqual(keras2);
    expect(translateInboundNodes([{ args: [kerasTensor('a')], kwargs: { mask: kerasTensor('m') } }])).toEqual([[['a', 0, 0, {}]]]);
  });

  it('maps causal Conv1D to the CausalConv1D shim and float64 inputs to float32', () => {
    const sequential = translateKerasConfig({
      class_name: 'Sequential',
      config: {
        name: 'sequential',
        layers: [
          { class_name: 'InputLayer', config: { batch_input_shape: [null, null, 1], dtype: 'float64', name: 'in' } },
          { class_name: 'Conv1D', config: { name: 'c', filters: 2, kernel_size: [3], padding: 'causal' } },
          { class_name: 'Conv1D', config: { name: 'v', filters: 2, kernel_size: [3], padding: 'valid' } },
        ],
      },
    });
    const [input, causal, valid] = (sequential.config as JsonObject).layers as JsonObject[];
    expect((input.config as JsonObject).dtype).toBe('float32');
    expect(causal.class_name).toBe('CausalConv1D');
    expect(valid.class_name).toBe('Conv1D');
  });

  it('refuses something that is not a model config', () => {
    expect(() => translateKerasConfig({ layers: [] })).toThrow(ModelRejectedError);
  });

  it('normalises dtypes tfjs lacks', () => {
    expect(['float64', 'bfloat16', 'mixed_bfloat16', 'float16'].map(normaliseDtype)).toEqual(['float32', 'float32', 'float32', 'float32']);
    expect(normaliseDtype('int64')).toBe('int32');
    expect(normaliseDtype('float32')).toBe('float32');
  });
});

describe('validateLayers', () => {
  const known = (className: string) => ['Sequential', 'Functional', 'InputLayer', 'Dense', 'Bidirectional', 'LSTM', 'Embedding'].includes(className);
  const sequentialWith = (layer: JsonObject): JsonObject => ({
    class_name: 'Sequential',
    config: { name: 'sequential', layers: [{ class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 4] } }, layer] },
  });
  const rejection = (config: JsonObject): ModelRejectedError => {
    try {
      validateLayers(config, known);
    } catch (error) {
      if (error instanceof ModelRejectedError) return error;
      throw error;
    }
    throw new Error('expected a rejection');
  };

  it('accepts standard layers, including wrapped ones', () => {
    expect(() =>
      validateLayers(sequentialWith({ class_name: 'Bidirectional', config: { name: 'bi', layer: { class_name: 'LSTM', config: { name: 'lstm' } } } }), known),
    ).not.toThrow();
  });

  it('refuses a Lambda layer, naming it', () => {
    const error = rejection(sequentialWith({ class_name: 'Lambda', config: { name: 'scale_inputs', function: ['4wEAAAA...', null, null] } }));
    expect(error.code).toBe('lambda-layer');
    expect(error.memberMessage).toContain('"scale_inputs"');
    expect(error.memberMessage).toContain('Lambda');
  });

  it('refuses TF operations saved as TFOpLambda, naming the operation', () => {
    const error = rejection(sequentialWith({ class_name: 'TFOpLambda', config: { name: 'tf.math.truediv', function: 'math.truediv' } }));
    expect(error.code).toBe('lambda-layer');
    expect(error.memberMessage).toContain('math.truediv');
  });

  it('refuses a TF-Hub KerasLayer', () => {
    const error = rejection(sequentialWith({ class_name: 'KerasLayer', config: { name: 'keras_layer', handle: 'https://tfhub.dev/...' } }));
    expect(error.code).toBe('hub-layer');
    expect(error.memberMessage).toContain('"keras_layer"');
  });

  it('refuses TextVectorization and says the problem feeds token ids', () => {
    const error = rejection(sequentialWith({ class_name: 'TextVectorization', config: { name: 'text_vectorization', max_tokens: 1000 } }));
    expect(error.code).toBe('text-vectorization');
    expect(error.memberMessage).toContain('token ids');
    expect(error.memberMessage).toContain('"text_vectorization"');
  });

  it('refuses custom classes and unknown layers, naming them', () => {
    const custom = rejection(sequentialWith({ class_name: 'MyAttention', registered_name: 'Custom>MyAttention', config: { name: 'attention' } }));
    expect(custom.code).toBe('custom-class');
    expect(custom.memberMessage).toContain('"attention"');
    const unknown = rejection(sequentialWith({ class_name: 'MultiHeadAttention', config: { name: 'mha' } }));
    expect(unknown.code).toBe('unknown-layer');
    expect(unknown.memberMessage).toContain('MultiHeadAttention');
    expect(unknown.memberMessage).toContain('"mha"');
  });

  it('finds layers inside nested models and wrappers', () => {
    const nested: JsonObject = sequentialWith({
      class_name: 'Functional',
      config: { name: 'inner', layers: [{ class_name: 'Dense', config: { name: 'deep_dense' } }] },
    });
    expect(listLayers(nested).map((layer) => (layer.config as JsonObject).name)).toEqual(['sequential', 'in', 'inner', 'deep_dense']);
  });
});
