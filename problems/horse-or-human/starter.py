# Problem horse-or-human (category 3): classify photos of horses and humans.
#
# Build and train a binary classifier. The grader measures accuracy on the 256 images of the
# validation set and needs 83% or more for full marks. Save the trained model as model.h5 and
# upload it with /grade (problem horse-or-human).
import urllib.request
import zipfile

import tensorflow as tf

TRAINING_URL = "https://storage.googleapis.com/download.tensorflow.org/data/horse-or-human.zip"


def download_and_extract(url, zip_name, folder):
    urllib.request.urlretrieve(url, zip_name)
    with zipfile.ZipFile(zip_name, "r") as zip_ref:
        zip_ref.extractall(folder)


def solution_model():
    download_and_extract(TRAINING_URL, "horse-or-human.zip", "data/horse-or-human")
    # The grader's evaluation set is the 256 images of validation-horse-or-human.zip. This starter
    # does not download it: it validates on a fifth of the training images instead.

    # DO NOT CHANGE THIS CODE: the grader reads its images the same way (RGB, 150x150
    # nearest-neighbour, divided by 255; classes in alphabetical folder order: horses 0, humans 1).
    def load_images(subset):
        images = tf.keras.utils.image_dataset_from_directory(
            "data/horse-or-human", image_size=(150, 150), interpolation="nearest",
            label_mode="binary", batch_size=32,
            # With the same seed, both calls split the files the same way: the "validation"
            # subset is a fifth of the training folder and the "training" subset the rest.
            validation_split=0.2, subset=subset, seed=42)
        return images.map(lambda x, y: (x / 255.0, y))

    train_ds = load_images("training").prefetch(tf.data.AUTOTUNE)
    validation_ds = load_images("validation").prefetch(tf.data.AUTOTUNE)

    # YOUR CODE HERE: complete the model. Keep the input (150, 150, 3), already scaled to 0-1, so
    # no Rescaling layer; end with Dense(1, sigmoid) (or 2 softmax units with label_mode="int").
    # Augmentation: Random* layers at the start of the model (the grader skips them when it
    # predicts), or train_ds.map(...) on the training images only.
    model = tf.keras.models.Sequential([
        tf.keras.layers.Conv2D(16, (3, 3), activation="relu", input_shape=(150, 150, 3)),
        tf.keras.layers.MaxPooling2D(2, 2),
        # ...
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(train_ds, epochs=1, validation_data=validation_ds)
    return model


# The code below saves your model for upload. DO NOT CHANGE IT.
if __name__ == "__main__":
    model = solution_model()
    model.save("model.h5")
