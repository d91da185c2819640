# Problem horse-or-human (category 3): classify photos of horses and humans.
#
# Build and train a binary classifier. The grader measures accuracy on the 256 images of the
# validation set and needs 83% or more for full marks. Save the trained model as model.h5 and
# upload it with /grade (problem horse-or-human).
import urllib.request
import zipfile

import tensorflow as tf
from tensorflow.keras.preprocessing.image import ImageDataGenerator

TRAINING_URL = "https://storage.googleapis.com/download.tensorflow.org/data/horse-or-human.zip"
VALIDATION_URL = "https://storage.googleapis.com/download.tensorflow.org/data/validation-horse-or-human.zip"


def download_and_extract(url, zip_name, folder):
    urllib.request.urlretrieve(url, zip_name)
    with zipfile.ZipFile(zip_name, "r") as zip_ref:
        zip_ref.extractall(folder)


def solution_model():
    download_and_extract(TRAINING_URL, "horse-or-human.zip", "data/horse-or-human")
    download_and_extract(VALIDATION_URL, "validation-horse-or-human.zip", "data/validation-horse-or-human")

    # DO NOT CHANGE THIS CODE: the grader reads the images the same way (RGB, 150x150 nearest,
    # divided by 255; classes in alphabetical folder order: horses 0, humans 1).
    train_datagen = ImageDataGenerator(
        rescale=1 / 255,
        # YOUR CODE HERE: augmentation options, e.g. rotation_range, zoom_range, horizontal_flip.
    )
    validation_datagen = ImageDataGenerator(rescale=1 / 255)
    train_generator = train_datagen.flow_from_directory(
        "data/horse-or-human", target_size=(150, 150), batch_size=32, class_mode="binary")
    validation_generator = validation_datagen.flow_from_directory(
        "data/validation-horse-or-human", target_size=(150, 150), batch_size=32, class_mode="binary")

    # YOUR CODE HERE: complete the model. Keep the input (150, 150, 3); end with Dense(1, sigmoid)
    # (or 2 softmax units with class_mode="sparse").
    model = tf.keras.models.Sequential([
        tf.keras.layers.Conv2D(16, (3, 3), activation="relu", input_shape=(150, 150, 3)),
        tf.keras.layers.MaxPooling2D(2, 2),
        # ...
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(train_generator, epochs=1, validation_data=validation_generator)
    return model


# The code below saves your model for upload. DO NOT CHANGE IT.
if __name__ == "__main__":
    model = solution_model()
    model.save("model.h5")
