"""Write ``l2lessons/digits.npz``: scikit-learn's bundled handwritten digits, stored compactly.

Usage: python tools/make_digits.py

The package reads the digits from this file (``l2lessons.data.load_digits``) so that a lesson
does not import scikit-learn, almost a second on a slow CPU, only to read 115 kB. The pixels
(whole numbers 0 to 16) are stored as uint8 and the labels as uint8; ``tests/test_digits.py``
checks that the file gives exactly ``sklearn.datasets.load_digits(return_X_y=True)``.
The data: UCI Optical Recognition of Handwritten Digits (E. Alpaydin, C. Kaynak, 1998),
CC BY 4.0, as scikit-learn ships it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "l2lessons" / "digits.npz"


def main() -> None:
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    pixels, labels = X.astype(np.uint8), y.astype(np.uint8)
    assert np.array_equal(pixels, X) and np.array_equal(labels, y)  # nothing lost
    np.savez_compressed(OUT, pixels=pixels, labels=labels)
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes): {X.shape[0]} images, {X.shape[1]} pixels")


if __name__ == "__main__":
    main()
