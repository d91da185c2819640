// Layers and an initializer that real Keras files need and TensorFlow.js lacks, registered with
// tf.serialization.registerClass (customObjects break on nested configs in tfjs).
//
// - Normalization: (x - mean) / max(sqrt(variance), 1e-7), as Keras computes it; `axis` may be
//   null or [] (one mean for everything); weights mean, variance and (Keras 2) count.
// - CausalConv1D: Conv1D with padding="causal" (tfjs builds it but cannot run it): left-pad the
//   time axis by (kernel - 1) x dilation, then a valid convolution.
// - RandomFlip, RandomRotation, ...: augmentation layers are identities at inference.
// - GradingZeros: the initializer every config initializer is replaced with. It allocates zeros
//   (the weights are overwritten right after) and counts the parameters as the model is built,
//   so a model over the parameter limit is refused before its weights are allocated.
import type * as tfTypes from '@tensorflow/tfjs';
import { ModelRejectedError } from '../errors.ts';
import type { Tf } from '../tf-backend.ts';
import { causalConv1dClassName, countingZerosClassName } from './keras-config.ts';

type Tensor = tfTypes.Tensor;
type Shape = Array<number | null>;
type Kwargs = Record<string, unknown>;

/** Augmentation layers that only act during training. */
const inferenceNoOpLayers = ['RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomTranslation', 'RandomContrast', 'RandomBrightness'];

const kerasEpsilon = 1e-7;

interface ParameterBudget {
  limit: number;
  counted: number;
}

let activeBudget: ParameterBudget | undefined;

/**
 * Runs `build` (synchronous model construction) while GradingZeros counts parameters; throws
 * 'too-many-params' as soon as the count passes `limit`, before that weight is allocated.
 * Returns what `build` returned and the parameter count seen.
 */
export function withParameterBudget<T>(limit: number, build: () => T): { result: T; counted: number } {
  const budget: ParameterBudget = { limit, counted: 0 };
  const previous = activeBudget;
  activeBudget = budget;
  try {
    return { result: build(), counted: budget.counted };
  } finally {
    activeBudget = previous;
  }
}

function tooManyParams(counted: number, limit: number): ModelRejectedError {
  return new ModelRejectedError(
    'too-many-params',
    `The model has more than ${limit.toLocaleString('en-US')} parameters (at least ${counted.toLocaleString('en-US')}); ` +
      'exam models are far smaller. Use fewer or smaller layers (e.g. more pooling before Flatten).',
  );
}

export function checkParameterCount(counted: number, limit: number): void {
  if (counted > limit) throw tooManyParams(counted, limit);
}

const registeredIn = new WeakSet<object>();

/** Registers the shims with the tfjs module passed in (once per module instance). */
export function registerShims(tf: Tf): void {
  const registry = tf.serialization.SerializationMap.getMap().classNameMap;
  if (registeredIn.has(registry)) return;
  registeredIn.add(registry);

  type ZerosClass = new () => { apply(shape: number[], dtype?: tfTypes.DataType): Tensor };
  const Zeros = registry['Zeros'][0] as unknown as ZerosClass;
  class GradingZeros extends Zeros {
    static className = countingZerosClassName;
    override apply(shape: number[], dtype?: tfTypes.DataType): Tensor {
      if (activeBudget) {
        activeBudget.counted += shape.reduce((product, size) => product * size, 1);
        if (activeBudget.counted > activeBudget.limit) throw tooManyParams(activeBudget.counted, activeBudget.limit);
      }
      return tf.zeros(shape, dtype);
    }
  }
  tf.serialization.registerClass(GradingZeros as unknown as tfTypes.serialization.SerializableConstructor<tfTypes.serialization.Serializable>);

  class Normalization extends tf.layers.Layer {
    static className = 'Normalization';
    private readonly axisConfig: number[] | number | null;
    private readonly invert: boolean;
    private readonly constantMean: number[] | number | null;
    private readonly constantVariance: number[] | number | null;
    private meanWeight?: tfTypes.LayerVariable;
    private varianceWeight?: tfTypes.LayerVariable;
    private broadcastShape: number[] = [];

    constructor(args: Kwargs & { axis?: number[] | number | null; invert?: boolean; mean?: unknown; variance?: unknown }) {
      super(args as ConstructorParameters<typeof tfTypes.layers.Layer>[0]);
      this.axisConfig = args.axis === undefined ? -1 : (args.axis as number[] | number | null);
      this.invert = args.invert === true;
      this.constantMean = (args.mean ?? null) as number[] | number | null;
      this.constantVariance = (args.variance ?? null) as number[] | number | null;
    }

    private keptAxes(rank: number): number[] {
      const axes = this.axisConfig === null ? [] : Array.isArray(this.axisConfig) ? this.axisConfig : [this.axisConfig];
      return axes.map((axis) => (axis < 0 ? axis + rank : axis));
    }

    override build(inputShape: Shape | Shape[]): void {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
      const kept = this.keptAxes(shape.length);
      for (const axis of kept) {
        if (shape[axis] === null || shape[axis] === undefined) {
          throw new ModelRejectedError('bad-model-config', `Normalization layer "${this.name}" normalises axis ${axis}, whose size is not fixed.`);
        }
      }
      const weightShape = kept.map((axis) => shape[axis] as number);
      this.broadcastShape = shape.map((size, axis) => (kept.includes(axis) ? (size as number) : 1));
      if (this.constantMean === null) {
        // Same order and trainability as Keras, so weights assigned by position land right.
        this.meanWeight = this.addWeight('mean', weightShape, 'float32', tf.initializers.zeros(), undefined, false);
        this.varianceWeight = this.addWeight('variance', weightShape, 'float32', tf.initializers.ones(), undefined, false);
        this.addWeight('count', [], 'float32', tf.initializers.zeros(), undefined, false);
      }
      this.built = true;
    }

    override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
      return inputShape;
    }

    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const x = (Array.isArray(inputs) ? inputs[0] : inputs).toFloat();
        const mean = this.meanWeight ? this.meanWeight.read() : tf.tensor(this.constantMean as number[] | number);
        const variance = this.varianceWeight ? this.varianceWeight.read() : tf.tensor(this.constantVariance as number[] | number);
        const meanB = mean.size === 1 ? mean.reshape([]) : mean.reshape(this.broadcastShape);
        const varianceB = variance.size === 1 ? variance.reshape([]) : variance.reshape(this.broadcastShape);
        const scale = tf.maximum(tf.sqrt(varianceB), kerasEpsilon);
        return this.invert ? tf.add(meanB, tf.mul(x, scale)) : tf.div(tf.sub(x, meanB), scale);
      });
    }

    override getConfig(): tfTypes.serialization.ConfigDict {
      return { ...super.getConfig(), axis: this.axisConfig, invert: this.invert, mean: this.constantMean, variance: this.constantVariance };
    }
  }
  tf.serialization.registerClass(Normalization);

  type ConvLayer = tfTypes.layers.Layer & { kernelSize: number[]; dilationRate: number[] | number };
  type ConvClass = new (args: Kwargs) => ConvLayer;
  const Conv1D = registry['Conv1D'][0] as unknown as ConvClass;
  class CausalConv1D extends Conv1D {
    static className = causalConv1dClassName;
    readonly causalPadding: number;

    constructor(args: Kwargs) {
      super({ ...args, padding: 'valid' });
      const dilation = Array.isArray(this.dilationRate) ? this.dilationRate[0] : this.dilationRate;
      this.causalPadding = (this.kernelSize[0] - 1) * dilation;
    }

    override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const padded = tf.pad(x, [
          [0, 0],
          [this.causalPadding, 0],
          [0, 0],
        ]);
        return super.call(padded, kwargs);
      });
    }

    override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
      const padded = [shape[0], shape[1] === null ? null : (shape[1] as number) + this.causalPadding, shape[2]];
      return super.computeOutputShape(padded);
    }

    override getConfig(): tfTypes.serialization.ConfigDict {
      return { ...super.getConfig(), padding: 'causal' };
    }
  }
  tf.serialization.registerClass(CausalConv1D as unknown as tfTypes.serialization.SerializableConstructor<tfTypes.serialization.Serializable>);

  for (const className of inferenceNoOpLayers) {
    if (registry[className]) continue;
    const InferenceIdentity = class extends tf.layers.Layer {
      static className = className;
      override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
        return inputShape;
      }
      override call(inputs: Tensor | Tensor[]): Tensor | Tensor[] {
        return Array.isArray(inputs) ? inputs[0] : inputs;
      }
    };
    tf.serialization.registerClass(InferenceIdentity);
  }
}

/** Whether tfjs (with the shims) can build a layer class of that name. */
export function isKnownLayerClass(tf: Tf, className: string): boolean {
  const classes = tf.serialization.SerializationMap.getMap().classNameMap;
  // Own entries only: a class named "constructor" or "__proto__" must not find Object's.
  if (!Object.hasOwn(classes, className)) return false;
  const entry = classes[className];
  const constructor = entry[0] as unknown as { prototype: unknown };
  return constructor.prototype instanceof tf.layers.Layer || className === 'Sequential' || className === 'Functional' || className === 'Model';
}
