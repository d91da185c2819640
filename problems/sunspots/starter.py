# Problem sunspots (category 5): forecast monthly sunspots.
#
# Build and train a model that predicts the next value from the 30 before it. The grader feeds
# every window after the split and needs a mean absolute error of 0.15 or less (normalised units)
# for full marks. Save the trained model as model.h5 and upload it with /grade (problem sunspots).
import csv
import urllib.request

import numpy as np
import tensorflow as tf

DATA_URL = "https://storage.googleapis.com/laurencemoroney-blog.appspot.com/Sunspots.csv"


def windowed_dataset(series, window_size, batch_size, shuffle_buffer):
    series = tf.expand_dims(series, axis=-1)
    ds = tf.data.Dataset.from_tensor_slices(series)
    ds = ds.window(window_size + 1, shift=1, drop_remainder=True)
    ds = ds.flat_map(lambda w: w.batch(window_size + 1))
    ds = ds.shuffle(shuffle_buffer)
    ds = ds.map(lambda w: (w[:-1], w[-1]))
    return ds.batch(batch_size).prefetch(1)


def solution_model():
    urllib.request.urlretrieve(DATA_URL, "Sunspots.csv")

    values = []
    with open("Sunspots.csv") as csvfile:
        reader = csv.reader(csvfile, delimiter=",")
        next(reader)
        for row in reader:
            values.append(float(row[2]))
    series = np.array(values)

    # DO NOT CHANGE THIS CODE: the grader normalises, splits and windows the series like this.
    min = np.min(series)
    max = np.max(series)
    series -= min
    series /= max
    split_time = 3000
    window_size = 30
    # series[split_time:] is the grader's evaluation part: keep it out of training and out of
    # validation.

    # Validation: the last 300 values (25 years) before the split. Choose the epochs, the learning
    # rate and the model on its MAE; then you may retrain on all of series[:split_time].
    valid_time = 2700
    x_train = series[:valid_time]
    # Validation windows start window_size earlier: they predict series[valid_time:split_time].
    x_valid = series[valid_time - window_size:split_time]

    # YOUR CODE HERE: choose the batch size, build and train the model.
    batch_size = 32
    shuffle_buffer_size = 1000
    train_set = windowed_dataset(x_train, window_size, batch_size, shuffle_buffer_size)
    valid_set = windowed_dataset(x_valid, window_size, batch_size, shuffle_buffer_size)
    model = tf.keras.models.Sequential([
        tf.keras.layers.Conv1D(32, 5, padding="causal", activation="relu", input_shape=[window_size, 1]),
        tf.keras.layers.LSTM(64),
        # ...
        tf.keras.layers.Dense(1),
    ])
    model.compile(loss=tf.keras.losses.Huber(), optimizer="adam", metrics=["mae"])
    model.fit(train_set, epochs=1, validation_data=valid_set)
    return model


# The code below saves your model for upload. DO NOT CHANGE IT.
if __name__ == "__main__":
    model = solution_model()
    model.save("model.h5")
