# Problem bbc-news (category 4): classify BBC news articles by topic.
#
# Build and train a text classifier. The grader rebuilds the tokenizer below, feeds the last 445
# articles and needs 91% accuracy or more for full marks. Save the trained model as model.h5 and
# upload it with /grade (problem bbc-news).
import csv
import urllib.request

import numpy as np
import tensorflow as tf
from tensorflow.keras.preprocessing.sequence import pad_sequences
from tensorflow.keras.preprocessing.text import Tokenizer

DATA_URL = "https://storage.googleapis.com/download.tensorflow.org/data/bbc-text.csv"


def solution_model():
    urllib.request.urlretrieve(DATA_URL, "bbc-text.csv")

    # DO NOT CHANGE THIS CODE: the grader preprocesses the evaluation rows exactly like this.
    vocab_size = 1000
    embedding_dim = 16
    max_length = 120
    trunc_type = "post"
    padding_type = "post"
    oov_tok = "<OOV>"
    training_portion = 0.8

    sentences = []
    labels = []
    with open("bbc-text.csv", encoding="utf-8") as csvfile:
        reader = csv.reader(csvfile, delimiter=",")
        next(reader)
        for row in reader:
            labels.append(row[0])
            sentences.append(row[1])

    # Rows train_size and later are the grader's evaluation set: keep them out of training and
    # out of validation.
    train_size = int(len(sentences) * training_portion)
    train_sentences = sentences[:train_size]
    train_labels = labels[:train_size]

    tokenizer = Tokenizer(num_words=vocab_size, oov_token=oov_tok)
    tokenizer.fit_on_texts(train_sentences)
    train_padded = pad_sequences(tokenizer.texts_to_sequences(train_sentences),
                                 maxlen=max_length, padding=padding_type, truncating=trunc_type)

    label_tokenizer = Tokenizer()
    label_tokenizer.fit_on_texts(labels)
    train_label_seq = np.array(label_tokenizer.texts_to_sequences(train_labels))

    # YOUR CODE HERE: complete the model. Keep the input of max_length token ids and end with
    # Dense(6, softmax) (labels are 1..5).
    model = tf.keras.Sequential([
        tf.keras.layers.Embedding(vocab_size, embedding_dim, input_length=max_length),
        tf.keras.layers.GlobalAveragePooling1D(),
        # ...
        tf.keras.layers.Dense(6, activation="softmax"),
    ])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    # validation_split=0.2 holds out the last fifth of the training rows (1424..1779, taken
    # before any shuffling) and validates on them.
    model.fit(train_padded, train_label_seq, epochs=1, validation_split=0.2)
    return model


# The code below saves your model for upload. DO NOT CHANGE IT.
if __name__ == "__main__":
    model = solution_model()
    model.save("model.h5")
