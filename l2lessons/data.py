"""Data for the lessons (plumbing): seeded synthetic problems and basis features.

Everything here is generated from a seed, so it works offline and reproduces
exactly; real data (handwritten digits) comes from scikit-learn's bundled copy.

Examples
--------
>>> x, y = noisy_sine(5, seed=1)
>>> polynomial_features(x, degree=3).shape
(5, 3)
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.polynomial import legendre

from ._validate import as_float_array

__all__ = [
    "MNIST_FILES",
    "MNIST_URL",
    "digits_split",
    "load_mnist",
    "noisy_sine",
    "polynomial_features",
    "read_idx",
    "true_sine",
]


def _check_count(value, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


def true_sine(x):
    """The noise-free target of :func:`noisy_sine`: ``sin(pi * x)``."""
    return np.sin(np.pi * as_float_array(x, "x", allow_empty=True))


def noisy_sine(n: int, noise: float = 0.25, seed: int = 0):
    """``n`` points ``y = sin(pi x) + noise * N(0, 1)`` with ``x`` uniform on [-1, 1].

    Returns
    -------
    x, y : ndarray of shape (n,)
        ``x`` sorted ascending, for tidy plots.
    """
    n = _check_count(n, "n")
    if not (isinstance(noise, numbers.Real) and np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}.")
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-1.0, 1.0, size=n))
    return x, true_sine(x) + noise * rng.standard_normal(n)


def polynomial_features(x, degree: int):
    """Legendre polynomials ``P_1(x) ... P_degree(x)`` as columns, shape (n, degree).

    Legendre polynomials span the same functions as ``x, x**2, ...`` but are far
    better conditioned on [-1, 1]. The constant ``P_0`` is left out: the lessons
    handle the intercept separately (it is not penalized).
    """
    x = as_float_array(x, "x", ndim=1)
    degree = _check_count(degree, "degree")
    return legendre.legvander(x, degree)[:, 1:]


# --- MNIST (opt-in download, checksummed) --------------------------------------------------
# Real handwritten digits at full size, for lesson 07. pooch and the standard-library helpers
# are imported inside the functions: importing this module stays light and downloads nothing.


# IDX type codes (the third byte of the magic number) and the big-endian dtypes they name
_IDX_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

#: The four MNIST files and their MD5 checksums, as published by torchvision
#: (``torchvision.datasets.MNIST.resources``), in the order :func:`load_mnist` returns them.
MNIST_FILES = {
    "train-images-idx3-ubyte.gz": "md5:f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "md5:d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "md5:9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "md5:ec29112dd5afa0611ce80d1b7f02629c",
}

#: Where the files are downloaded from: the mirror torchvision uses
#: (the environment variable ``L2LESSONS_MNIST_URL`` overrides it).
MNIST_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"


def read_idx(path):
    """Read an IDX file (the MNIST format), plain or gzip-compressed, into a NumPy array.

    An IDX file is a 4-byte magic number ``0x00 0x00 <type code> <ndim>``, then ``ndim``
    big-endian uint32 sizes, then the values in C order (big-endian). Compression is
    recognized from the gzip signature, not from the file name.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    numpy.ndarray
        Of the stored shape, in native byte order: ``uint8`` for MNIST images (n, 28, 28)
        and labels (n,). A writable copy.

    Raises
    ------
    ValueError
        If the file is not a valid IDX file: a wrong magic number, an unknown type code,
        a truncated header or payload, trailing bytes, or a broken gzip stream.
    """
    import gzip
    from pathlib import Path

    path = Path(path)
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:  # BadGzipFile is an OSError
            raise ValueError(f"{path.name} is a corrupted gzip file ({exc}).") from None
    if len(raw) < 4 or raw[:2] != b"\x00\x00" or raw[2] not in _IDX_DTYPES:
        raise ValueError(
            f"{path.name} is not an IDX file: its magic number is {raw[:4].hex() or 'missing'}, "
            "expected 0000 followed by a type code (08 to 0e) and the number of dimensions."
        )
    dtype, ndim = _IDX_DTYPES[raw[2]], raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(
            f"{path.name} is truncated: its header needs {header} bytes, the file has {len(raw)}."
        )
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) - header != expected:
        state = "truncated" if len(raw) - header < expected else "longer than its header says"
        raise ValueError(
            f"{path.name} is {state}: shape {shape} needs {expected} bytes of data, "
            f"the file has {len(raw) - header}."
        )
    data = np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)
    return data.astype(dtype.newbyteorder("="), copy=True)


def _default_mnist_dir():
    """``$L2LESSONS_DATA/mnist``, else ``<checkout>/data/cache/mnist``, else pooch's cache."""
    import os
    from pathlib import Path

    if os.environ.get("L2LESSONS_DATA"):
        return Path(os.environ["L2LESSONS_DATA"]).expanduser() / "mnist"
    root = Path(__file__).resolve().parents[1]
    if (root / "pyproject.toml").is_file() and (root / "data").is_dir():  # a source checkout
        return root / "data" / "cache" / "mnist"
    import pooch

    return Path(pooch.os_cache("l2lessons")) / "mnist"


def load_mnist(cache_dir=None, base_url=None, progress=True, files=None):
    """MNIST (70,000 handwritten digits, 28 x 28), downloaded once with checksums.

    Each file is fetched with :func:`pooch.retrieve`, which streams it to a temporary
    file in the cache folder and moves it into place only if its hash matches: a failed
    or corrupted download leaves nothing under the file's name. Files already in the
    cache with the right hash are not downloaded again (this works offline).

    Parameters
    ----------
    cache_dir : str or os.PathLike, optional
        Folder for the four files. Default: ``$L2LESSONS_DATA/mnist`` if that
        environment variable is set, else ``data/cache/mnist`` in the course checkout
        (git-ignored), else pooch's per-user cache.
    base_url : str, optional
        URL of the folder holding the files. Default: ``$L2LESSONS_MNIST_URL`` if set,
        else :data:`MNIST_URL`.
    progress : bool, optional
        Show a progress bar (tqdm) while downloading. Default True.
    files : dict, optional
        ``{file name: known hash}`` for the four file names of :data:`MNIST_FILES`
        (``"md5:..."`` or ``"sha256:..."``), to replace the published checksums, e.g.
        for a local mirror of test files. Default :data:`MNIST_FILES`.

    Returns
    -------
    X_train : numpy.ndarray, shape (60000, 28, 28), uint8
        Pixel values 0 to 255 (divide by 255 for [0, 1]).
    y_train : numpy.ndarray, shape (60000,), uint8
        Digits 0 to 9.
    X_test : numpy.ndarray, shape (10000, 28, 28), uint8
    y_test : numpy.ndarray, shape (10000,), uint8

    Raises
    ------
    ValueError
        If ``files`` does not name the four MNIST files, a download does not match its
        hash (raised by pooch), a file is not valid IDX, or images and labels disagree
        in number.
    """
    import os

    import pooch

    if files is None:
        files = MNIST_FILES
    if not isinstance(files, dict) or set(files) != set(MNIST_FILES):
        raise ValueError(f"files must be a dict with exactly the keys {sorted(MNIST_FILES)}.")
    for fname in MNIST_FILES:
        if not isinstance(files[fname], str) or not files[fname]:
            raise ValueError(f"files[{fname!r}] must be a hash string such as 'md5:...'.")
    if cache_dir is None:
        cache_dir = _default_mnist_dir()
    if base_url is None:
        base_url = os.environ.get("L2LESSONS_MNIST_URL") or MNIST_URL
    base_url = str(base_url)
    if not base_url.endswith("/"):
        base_url += "/"

    arrays = []
    for fname in MNIST_FILES:  # train images, train labels, test images, test labels
        local = pooch.retrieve(
            base_url + fname,
            known_hash=files[fname],
            fname=fname,
            path=cache_dir,
            progressbar=bool(progress),
        )
        arrays.append(read_idx(local))
    X_train, y_train, X_test, y_test = arrays
    for part, X, y in (("train", X_train, y_train), ("test", X_test, y_test)):
        if X.ndim != 3 or y.ndim != 1 or X.shape[0] != y.shape[0]:
            raise ValueError(
                f"The MNIST {part} files disagree: images of shape {X.shape}, "
                f"labels of shape {y.shape}."
            )
    return X_train, y_train, X_test, y_test


def digits_split(test_size=0.3, seed=0, scale="unit", train_size=None):
    """scikit-learn's bundled handwritten digits (1797 images, 8×8), split and scaled.

    The split is stratified by class and seeded (``train_test_split``).

    Parameters
    ----------
    test_size : float or int, default 0.3
        Fraction (or number) of images held out for testing.
    seed : int, default 0
        Seed of the split.
    scale : {"unit", "standard"}, default "unit"
        ``"unit"``: pixels divided by 16, so in [0, 1]. ``"standard"``: each pixel
        standardized with the *training* mean and standard deviation (pixels that are
        constant in the training set are only centred).
    train_size : float or int, optional
        Passed to ``train_test_split`` (e.g. a small training set of 300 images).

    Returns
    -------
    X_train, X_test : ndarray of shape (n, 64), float64
    y_train, y_test : ndarray of int
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    if scale not in ("unit", "standard"):
        raise ValueError(f"scale must be 'unit' or 'standard', got {scale!r}.")
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, train_size=train_size, random_state=seed, stratify=y
    )
    if scale == "unit":
        return X_train / 16.0, X_test / 16.0, y_train, y_test
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std[std == 0] = 1.0
    return (X_train - mean) / std, (X_test - mean) / std, y_train, y_test
