// Keras model configs -> configs TensorFlow.js Layers can build.
//
// Pure functions over the JSON config (no tfjs here), so each rule can be tested on its own:
// - Keras 3 -> Keras 2 form: InputLayer `batch_shape`, DTypePolicy objects, the dict form of
//   Functional `inbound_nodes`, single-input `input_layers`, and keys tfjs does not know
//   (module, registered_name, build_config, compile_config, shared_object_id);
// - dtypes tfjs lacks (float64, float16, bfloat16, mixed_*) -> float32, int64 & co. -> int32;
// - causal Conv1D -> the CausalConv1D shim;
// - initializers -> a zero initializer that also counts parameters (see shims.ts): tfjs runs
//   every initializer before the weights are overwritten, and Orthogonal on an LSTM takes 20+ s;
// - regularizers and constraints dropped: they only matter for training, and Keras 3 names some
//   (L2, ...) that tfjs cannot deserialize;
// - layers that cannot run outside Python are refused with a message naming the layer.
import { ModelRejectedError } from '../errors.ts';

export type JsonObject = { [key: string]: unknown };

/** Class name of the zero initializer that counts parameters (registered in shims.ts). */
export const countingZerosClassName = 'GradingZeros';
/** Class name of the causal Conv1D shim (registered in shims.ts). */
export const causalConv1dClassName = 'CausalConv1D';

const droppedKeys = new Set(['module', 'registered_name', 'build_config', 'compile_config', 'shared_object_id']);
const dtypePolicyClasses = new Set(['DTypePolicy', 'FloatDTypePolicy', 'Policy', 'QuantizedDTypePolicy', 'QuantizedFloat8DTypePolicy']);

/**
 * Deepest nesting a model config may have. Real ones are 7 levels deep (14 with a nested model
 * such as a MobileNetV2 inside a Sequential); every walk over a config is recursive, so a config
 * nested thousands deep would overflow the stack.
 */
export const MAX_CONFIG_DEPTH = 64;

/** How deep the objects and arrays of a JSON text nest, in one pass (brackets in strings ignored). */
export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return deepest;
}

/** Refuses a model JSON nested deeper than any Keras model, before anything parses or walks it. */
export function checkConfigDepth(text: string, fileName: string): void {
  const depth = jsonNestingDepth(text);
  if (depth > MAX_CONFIG_DEPTH) {
    throw new ModelRejectedError(
      'bad-model-config',
      `${fileName}: the model configuration is nested ${depth.toLocaleString('en-US')} levels deep; a Keras model's is at most a few dozen (the limit is ${MAX_CONFIG_DEPTH}). The file was not written by Keras: save the model with model.save("model.h5").`,
    );
  }
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Maps a Keras dtype name to the nearest one tfjs has. */
export function normaliseDtype(dtype: string): string {
  switch (dtype) {
    case 'float64':
    case 'double':
    case 'float16':
    case 'half':
    case 'bfloat16':
    case 'mixed_float16':
    case 'mixed_bfloat16':
      return 'float32';
    case 'int64':
    case 'int16':
    case 'int8':
    case 'uint8':
    case 'uint16':
    case 'uint32':
    case 'uint64':
      return 'int32';
    default:
      return dtype;
  }
}

function isKerasTensor(value: unknown): value is JsonObject & { config: { keras_history: [string, number, number] } } {
  return (
    isJsonObject(value) &&
    value.class_name === '__keras_tensor__' &&
    isJsonObject(value.config) &&
    Array.isArray(value.config.keras_history)
  );
}

function collectKerasTensors(value: unknown, found: Array<[string, number, number]>): void {
  if (isKerasTensor(value)) {
    const [layer, node, tensor] = value.config.keras_history;
    found.push([layer, node, tensor]);
  } else if (Array.isArray(value)) {
    for (const item of value) collectKerasTensors(item, found);
  } else if (isJsonObject(value) && !('class_name' in value)) {
    for (const item of Object.values(value)) collectKerasTensors(item, found);
  }
}

function containsKerasTensor(value: unknown): boolean {
  const found: Array<[string, number, number]> = [];
  collectKerasTensors(value, found);
  return found.length > 0;
}

/**
 * Keras 3 writes each inbound node as `{args: [...keras tensors...], kwargs: {...}}`; Keras 2
 * (and tfjs) expect `[[layer, nodeIndex, tensorIndex, kwargs], ...]`.
 */
export function translateInboundNodes(nodes: unknown): unknown {
  if (!Array.isArray(nodes)) return nodes;
  return nodes.map((node) => {
    if (!isJsonObject(node) || !('args' in node)) return node;
    const history: Array<[string, number, number]> = [];
    collectKerasTensors(node.args, history);
    const kwargs: JsonObject = {};
    if (isJsonObject(node.kwargs)) {
      for (const [key, value] of Object.entries(node.kwargs)) {
        if (!containsKerasTensor(value)) kwargs[key] = value;
      }
    }
    return history.map(([layer, nodeIndex, tensorIndex]) => [layer, nodeIndex, tensorIndex, kwargs]);
  });
}

/** `["input_layer", 0, 0]` (Keras 3, single tensor) -> `[["input_layer", 0, 0]]`. */
function normaliseTensorList(list: unknown): unknown {
  if (Array.isArray(list) && typeof list[0] === 'string') return [list];
  return list;
}

/**
 * Returns a translated deep copy of a Keras model config (the object with class_name and config,
 * as found in an .h5 `model_config` attribute or a .keras `config.json`).
 */
export function translateKerasConfig(config: unknown): JsonObject {
  if (!isJsonObject(config) || typeof config.class_name !== 'string' || !isJsonObject(config.config)) {
    throw new ModelRejectedError('bad-model-config', 'The model configuration is not a Keras model (no class_name/config). Save the model with model.save("model.h5").');
  }
  return translateValue(config, undefined) as JsonObject;
}

function translateValue(value: unknown, key: string | undefined): unknown {
  if (Array.isArray(value)) return value.map((item) => translateValue(item, undefined));
  if (!isJsonObject(value)) {
    if (key === 'dtype' && typeof value === 'string') return normaliseDtype(value);
    return value;
  }
  // A DTypePolicy object stands where a dtype name is expected.
  if (
    key === 'dtype' &&
    typeof value.class_name === 'string' &&
    dtypePolicyClasses.has(value.class_name) &&
    isJsonObject(value.config) &&
    typeof value.config.name === 'string'
  ) {
    return normaliseDtype(value.config.name);
  }
  const out: JsonObject = {};
  for (const [childKey, child] of Object.entries(value)) {
    if (droppedKeys.has(childKey)) continue;
    if (childKey.endsWith('_regularizer') || childKey.endsWith('_constraint')) {
      out[childKey] = null;
    } else if (childKey.endsWith('_initializer') && child !== null && child !== undefined) {
      out[childKey] = { class_name: countingZerosClassName, config: {} };
    } else if (childKey === 'inbound_nodes') {
      out[childKey] = translateValue(translateInboundNodes(child), childKey);
    } else if ((childKey === 'input_layers' || childKey === 'output_layers') && Array.isArray(child)) {
      out[childKey] = normaliseTensorList(child);
    } else {
      out[childKey] = translateValue(child, childKey);
    }
  }
  if (typeof out.class_name === 'string' && isJsonObject(out.config)) translateLayer(out as LayerConfig);
  return out;
}

type LayerConfig = JsonObject & { class_name: string; config: JsonObject };

function translateLayer(layer: LayerConfig): void {
  const config = layer.config;
  if (layer.class_name === 'InputLayer') {
    if ('batch_shape' in config && !('batch_input_shape' in config)) config.batch_input_shape = config.batch_shape;
    delete config.batch_shape;
    delete config.optional;
    if (config.ragged === false) delete config.ragged;
  }
  if (layer.class_name === 'Conv1D' && config.padding === 'causal') {
    layer.class_name = causalConv1dClassName;
  }
}

/** Every layer config in a model config, nested models and wrapped layers included. */
export function listLayers(config: JsonObject): LayerConfig[] {
  const found: LayerConfig[] = [];
  const visit = (node: unknown) => {
    if (!isJsonObject(node) || typeof node.class_name !== 'string' || !isJsonObject(node.config)) return;
    found.push(node as LayerConfig);
    const inner = node.config;
    if (Array.isArray(inner.layers)) inner.layers.forEach(visit);
    for (const wrappedKey of ['layer', 'backward_layer', 'cell']) visit(inner[wrappedKey]);
    if (Array.isArray(inner.cells)) inner.cells.forEach(visit);
  };
  visit(config);
  return found;
}

function layerName(layer: LayerConfig): string {
  const name = layer.config.name ?? layer.name;
  return typeof name === 'string' ? name : layer.class_name;
}

/**
 * Refuses layers that cannot be graded, naming the layer. `isKnownLayerClass` says whether the
 * tfjs runtime (with the shims registered) can build a class.
 */
export function validateLayers(config: JsonObject, isKnownLayerClass: (className: string) => boolean): void {
  const layers = listLayers(config);
  for (const layer of layers) {
    const name = layerName(layer);
    const className = layer.class_name;
    switch (className) {
      case 'Lambda':
        throw new ModelRejectedError(
          'lambda-layer',
          `Layer "${name}" is a Lambda layer. Lambda layers hold Python code that cannot run outside Python (the exam refused them too): ` +
            'do that step with built-in layers (e.g. Rescaling(1/255)) or in the data pipeline, then save the model again.',
        );
      case 'TFOpLambda':
      case 'SlicingOpLambda': {
        const op = typeof layer.config.function === 'string' ? ` (${layer.config.function})` : '';
        throw new ModelRejectedError(
          'lambda-layer',
          `Layer "${name}" applies a TensorFlow operation${op} directly to a tensor inside the model; it is saved like a Lambda layer and cannot be graded. ` +
            'Use built-in Keras layers (e.g. Rescaling, Reshape) instead, then save the model again.',
        );
      }
      case 'KerasLayer':
        throw new ModelRejectedError(
          'hub-layer',
          `Layer "${name}" is a TensorFlow Hub KerasLayer; its weights live on TF Hub and cannot be loaded offline. ` +
            'Use a model from tf.keras.applications (e.g. MobileNetV2) for transfer learning, then save the model again.',
        );
      case 'TextVectorization':
        throw new ModelRejectedError(
          'text-vectorization',
          `Layer "${name}" is a TextVectorization layer inside the model. The grader feeds token ids (as the starter code's Tokenizer and pad_sequences make them), ` +
            'not raw text: keep TextVectorization out of the saved model and start it with the Embedding layer.',
        );
    }
    if (className.includes('>') || (typeof layer.registered_name === 'string' && layer.registered_name.includes('>'))) {
      throw new ModelRejectedError(
        'custom-class',
        `Layer "${name}" is a custom class (${className}). Only built-in Keras layers can be graded: rebuild the model from standard layers.`,
      );
    }
    if (!isKnownLayerClass(className)) {
      throw new ModelRejectedError(
        'unknown-layer',
        `Layer "${name}" has the class ${className}, which the grader (TensorFlow.js) cannot run. ` +
          'Use standard layers (Dense, Conv2D, LSTM, Embedding, ...) or, if it is your own class, rebuild it from them.',
      );
    }
    if (className === 'InputLayer' && layer.config.dtype === 'string') {
      throw new ModelRejectedError(
        'text-vectorization',
        `The model's input "${name}" takes strings. The grader feeds token ids (as the starter code's Tokenizer and pad_sequences make them), not raw text.`,
      );
    }
  }
}
