# Problem linear-c (category 1): a basic model for Y = 0.5X + 1.
#
# Build and train a neural network that predicts Y from X. The grader runs your model on the
# training X together with X = -2 and X = 10 and needs a mean squared error of 1e-4 or less for
# full marks. Save the trained model as model.h5 and upload it with /grade (problem linear-c).
import numpy as np
import tensorflow as tf


def solution_model():
    # DO NOT CHANGE THIS CODE: the training data.
    X = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0], dtype=float)
    Y = np.array([0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5], dtype=float)

    # YOUR CODE HERE: complete the model, compile it and train it until the loss is tiny.
    model = tf.keras.Sequential([
        tf.keras.layers.Dense(units=1, input_shape=[1]),
    ])
    model.compile(optimizer="sgd", loss="mean_squared_error")
    model.fit(X, Y, epochs=10, verbose=0)
    return model


# The code below saves your model for upload. DO NOT CHANGE IT.
if __name__ == "__main__":
    model = solution_model()
    model.save("model.h5")
