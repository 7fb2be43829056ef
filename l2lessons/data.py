"""Data for the lessons (plumbing): seeded synthetic problems and basis features.

Everything here is generated from a seed, so it works offline and reproduces
exactly; real data: scikit-learn's bundled handwritten digits, stored in the package
(``digits.npz``, read without importing scikit-learn), and MNIST, downloaded on request.

Examples
--------
>>> x, y = noisy_sine(5, seed=1)
>>> polynomial_features(x, degree=3).shape
(5, 3)
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from numpy.polynomial import legendre

from ._validate import as_float_array, check_int

__all__ = [
    "MNIST_FILES",
    "MNIST_URL",
    "digits_split",
    "load_digits",
    "load_mnist",
    "noisy_sine",
    "polynomial_features",
    "read_idx",
    "stratified_split",
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


# --- scikit-learn's digits (stored in the package) -----------------------------------------
# l2lessons/digits.npz holds sklearn.datasets.load_digits() as uint8 (tools/make_digits.py
# writes it; tests/test_digits.py checks it against scikit-learn). Reading it, and splitting
# as train_test_split does, spares a lesson the import of scikit-learn (about a second on a
# slow CPU). The data: UCI Optical Recognition of Handwritten Digits (Alpaydin & Kaynak 1998,
# CC BY 4.0).


def load_digits():
    """scikit-learn's bundled handwritten digits: 1797 images of 8×8 pixels, and their labels.

    The same arrays as ``sklearn.datasets.load_digits(return_X_y=True)``, read from the copy
    stored in this package (``l2lessons/digits.npz``), without importing scikit-learn.

    Returns
    -------
    X : ndarray of shape (1797, 64), float64
        Pixel intensities, whole numbers from 0 to 16, row by row (a fresh copy).
    y : ndarray of shape (1797,), int64
        The digit each image shows, 0 to 9.
    """
    from pathlib import Path

    with np.load(Path(__file__).with_name("digits.npz")) as stored:
        return stored["pixels"].astype(np.float64), stored["labels"].astype(np.int64)


def _split_sizes(n: int, test_size, train_size) -> tuple[int, int]:
    """(n_train, n_test) from fractions or counts, by the rules of ``train_test_split``.

    A fraction of the test set is rounded up, one of the training set down; ``None`` is the
    rest; both ``None``: a test set of 25 %.
    """

    def count(value, name, rounding):  # a count, or None for "the rest"
        if value is None:
            return None
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            if not 0 < value < n:
                raise ValueError(
                    f"{name} must be a count in 1..{n - 1} or a fraction, got {value}."
                )
            return int(value)
        if isinstance(value, numbers.Real) and not isinstance(value, bool) and 0 < value < 1:
            return rounding(float(value) * n)
        raise ValueError(f"{name} must be a fraction in (0, 1) or a count, got {value!r}.")

    if test_size is None and train_size is None:
        test_size = 0.25  # train_test_split's default
    n_test = count(test_size, "test_size", math.ceil)
    n_train = count(train_size, "train_size", math.floor)
    n_train = n - n_test if n_train is None else n_train
    n_test = n - n_train if n_test is None else n_test
    if n_train + n_test > n:
        raise ValueError(
            f"{n_train} training and {n_test} test examples are more than the {n} given."
        )
    if n_train == 0:
        raise ValueError(f"test_size={test_size!r} leaves none of the {n} examples for training.")
    return n_train, n_test


def _approximate_mode(counts, n_draws: int, rng):
    """How many to draw from each class: ``n_draws`` shared in proportion to ``counts``.

    The floor of each class's share, plus one more for the classes with the largest
    remainders (ties broken by ``rng``), as scikit-learn's ``_approximate_mode`` does.
    """
    continuous = counts / counts.sum() * n_draws
    floored = np.floor(continuous)
    need = int(n_draws - floored.sum())
    if need > 0:
        remainder = continuous - floored
        for value in np.sort(np.unique(remainder))[::-1]:
            (tied,) = np.where(remainder == value)
            now = min(len(tied), need)
            floored[rng.choice(tied, size=now, replace=False)] += 1
            need -= now
            if need == 0:
                break
    return floored.astype(int)


def stratified_split(y, test_size=0.25, train_size=None, seed=0):
    """Indices of a stratified random split: exactly those of scikit-learn's ``train_test_split``.

    ``train_test_split(..., stratify=y, random_state=seed)`` picks the same images in the same
    order (``tests/test_digits.py`` checks it against the installed scikit-learn, 1.9 when this
    was written), so the lessons' splits do not depend on scikit-learn. Each class gets its share of
    the training and test sets (rounded as in scikit-learn), drawn by a
    ``numpy.random.RandomState(seed)``.

    Parameters
    ----------
    y : array_like of shape (n,)
        Class labels; every class needs at least 2 members.
    test_size, train_size : float in (0, 1), int or None
        Fraction or number of examples in each part; ``None``: the rest. Both ``None``: a test
        set of 25 %.
    seed : int
        Seed of the random state.

    Returns
    -------
    train, test : ndarray of int
        Indices into ``y``.

    Raises
    ------
    ValueError
        On sizes that do not fit ``n``, a class with fewer than 2 members, a part with fewer
        examples than there are classes, or a seed that is not an integer >= 0.
    """
    y = np.asarray(y)
    if y.ndim != 1 or y.size < 2:
        raise ValueError(f"y must be a 1-D array of at least 2 labels, got shape {y.shape}.")
    seed = check_int(seed, "seed", minimum=0)
    n_train, n_test = _split_sizes(len(y), test_size, train_size)
    classes, y_index, counts = np.unique(y, return_inverse=True, return_counts=True)
    if counts.min() < 2:
        raise ValueError(
            f"every class needs 2 members at least; {classes[counts < 2].tolist()} have 1."
        )
    if min(n_train, n_test) < len(classes):
        raise ValueError(
            f"{n_train} training and {n_test} test examples cannot each hold all "
            f"{len(classes)} classes."
        )
    members = np.split(np.argsort(y_index, kind="stable"), np.cumsum(counts)[:-1])
    rng = np.random.RandomState(seed)
    n_i = _approximate_mode(counts, n_train, rng)
    t_i = _approximate_mode(counts - n_i, n_test, rng)
    train, test = [], []
    for i in range(len(classes)):
        shuffled = members[i].take(rng.permutation(counts[i]), mode="clip")
        train.extend(shuffled[: n_i[i]])
        test.extend(shuffled[n_i[i] : n_i[i] + t_i[i]])
    return rng.permutation(train), rng.permutation(test)


def digits_split(test_size=0.3, seed=0, scale="unit", train_size=None):
    """scikit-learn's bundled handwritten digits (1797 images, 8×8), split and scaled.

    The split is stratified by class and seeded: the same images, in the same order, as
    scikit-learn's ``train_test_split(X, y, stratify=y, random_state=seed)``
    (:func:`stratified_split`), on the digits of :func:`load_digits`; scikit-learn is not
    imported.

    Parameters
    ----------
    test_size : float or int, default 0.3
        Fraction (or number) of images held out for testing; ``None``: all but the
        training images.
    seed : int, default 0
        Seed of the split.
    scale : {"unit", "standard"}, default "unit"
        ``"unit"``: pixels divided by 16, so in [0, 1]. ``"standard"``: each pixel
        standardized with the *training* mean and standard deviation (pixels that are
        constant in the training set are only centred).
    train_size : float or int, optional
        Fraction (or number) of training images, e.g. a small training set of 300; by
        default all that are not test images.

    Returns
    -------
    X_train, X_test : ndarray of shape (n, 64), float64
    y_train, y_test : ndarray of int64
    """
    if scale not in ("unit", "standard"):
        raise ValueError(f"scale must be 'unit' or 'standard', got {scale!r}.")
    X, y = load_digits()
    train, test = stratified_split(y, test_size=test_size, train_size=train_size, seed=seed)
    X_train, X_test, y_train, y_test = X[train], X[test], y[train], y[test]
    if scale == "unit":
        return X_train / 16.0, X_test / 16.0, y_train, y_test
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std[std == 0] = 1.0
    return (X_train - mean) / std, (X_test - mean) / std, y_train, y_test
