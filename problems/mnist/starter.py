# Problem mnist (category 2): classify handwritten digits.
#
# Build and train a classifier for the MNIST digits. The grader measures accuracy on the 10,000
# MNIST test digits and needs 91% or more for full marks. Save the trained model as model.h5 and
# upload it with /grade (problem mnist).
import gzip
import urllib.request

import numpy as np
import tensorflow as tf

BASE_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"


def load_idx(file_name):
    # Reads an IDX file of unsigned bytes (the MNIST format): magic, dimensions, then the data.
    urllib.request.urlretrieve(BASE_URL + file_name, file_name)
    with gzip.open(file_name, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def solution_model():
    # DO NOT CHANGE THIS CODE: the grader applies the same preprocessing to the test digits.
    train_images = load_idx("train-images-idx3-ubyte.gz")
    train_labels = load_idx("train-labels-idx1-ubyte.gz")
    x_train = (train_images / 255.0).astype("float32").reshape(-1, 28, 28, 1)
    y_train = train_labels.astype("int32")

    # YOUR CODE HERE: complete the model. Keep the input (28, 28, 1) and 10 softmax units.
    model = tf.keras.models.Sequential([
        tf.keras.layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)),
        tf.keras.layers.MaxPooling2D(2, 2),
        # ...
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=1, validation_split=0.1)
    return model


# The code below saves your model for upload. DO NOT CHANGE IT.
if __name__ == "__main__":
    model = solution_model()
    model.save("model.h5")
