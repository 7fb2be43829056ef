"""MNIST loading, offline: small IDX files served from 127.0.0.1, never the internet."""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.server
import struct
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from l2lessons.data import MNIST_FILES, MNIST_URL, load_mnist, read_idx

N_TRAIN, N_TEST = 12, 5


def idx_bytes(array: np.ndarray) -> bytes:
    """An IDX file (uint8 data): magic 00 00 08 <ndim>, big-endian sizes, then the bytes."""
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(np.uint8).tobytes()


def fake_mnist():
    """Four small arrays shaped like MNIST, keyed by the real file names."""
    rng = np.random.default_rng(0)
    arrays = [
        rng.integers(0, 256, size=(N_TRAIN, 28, 28), dtype=np.uint8),
        rng.integers(0, 10, size=N_TRAIN, dtype=np.uint8),
        rng.integers(0, 256, size=(N_TEST, 28, 28), dtype=np.uint8),
        rng.integers(0, 10, size=N_TEST, dtype=np.uint8),
    ]
    return dict(zip(MNIST_FILES, arrays, strict=True))


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature of the base class
        pass


@pytest.fixture
def server(tmp_path, monkeypatch):
    """A folder of gzipped IDX files served on 127.0.0.1 (a free port) in a daemon thread.

    Yields ``(base_url, hashes, arrays, folder, stop)``; ``stop()`` shuts the server
    down early, and teardown does it in any case and joins the thread.
    """
    for var in ("NO_PROXY", "no_proxy"):  # a proxy from the environment must not be used
        monkeypatch.setenv(var, "127.0.0.1")
    folder = tmp_path / "server"
    folder.mkdir()
    arrays = fake_mnist()
    hashes = {}
    for fname, array in arrays.items():
        data = gzip.compress(idx_bytes(array), mtime=0)
        (folder / fname).write_bytes(data)
        hashes[fname] = "sha256:" + hashlib.sha256(data).hexdigest()
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state = {"running": True}

    def stop():
        if state["running"]:
            httpd.shutdown()
            httpd.server_close()
            thread.join(timeout=10)
            state["running"] = False

    yield f"http://127.0.0.1:{httpd.server_address[1]}/", hashes, arrays, folder, stop
    stop()
    assert not thread.is_alive()


def test_load_mnist_downloads_checks_and_reads_the_four_files(server, tmp_path):
    base_url, hashes, arrays, _, stop = server
    cache = tmp_path / "cache"
    X_train, y_train, X_test, y_test = load_mnist(
        cache_dir=cache, base_url=base_url, files=hashes, progress=False
    )
    assert X_train.shape == (N_TRAIN, 28, 28) and y_train.shape == (N_TRAIN,)
    assert X_test.shape == (N_TEST, 28, 28) and y_test.shape == (N_TEST,)
    assert {a.dtype for a in (X_train, y_train, X_test, y_test)} == {np.dtype(np.uint8)}
    for got, expected in zip((X_train, y_train, X_test, y_test), arrays.values(), strict=True):
        np.testing.assert_array_equal(got, expected)
    assert sorted(p.name for p in cache.iterdir()) == sorted(MNIST_FILES)
    # the second call reads the cache: with the server gone it still works
    stop()
    again = load_mnist(cache_dir=cache, base_url=base_url, files=hashes, progress=False)
    np.testing.assert_array_equal(again[0], X_train)


def test_a_corrupted_download_raises_and_leaves_nothing_under_its_name(server, tmp_path):
    base_url, hashes, _, folder, _ = server
    bad = "t10k-images-idx3-ubyte.gz"  # the third file: the first two download fine
    served = folder / bad
    served.write_bytes(served.read_bytes()[:-10] + b"corrupted!")
    cache = tmp_path / "cache"
    with pytest.raises(ValueError, match="hash"):
        load_mnist(cache_dir=cache, base_url=base_url, files=hashes, progress=False)
    # only the files that matched their hash are there: no partial or temporary file
    assert sorted(p.name for p in cache.iterdir()) == sorted(list(MNIST_FILES)[:2])


def test_a_wrong_hash_in_the_cache_is_downloaded_again(server, tmp_path):
    base_url, hashes, arrays, _, _ = server
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "train-labels-idx1-ubyte.gz").write_bytes(b"stale")
    _, y_train, _, _ = load_mnist(cache_dir=cache, base_url=base_url, files=hashes, progress=False)
    np.testing.assert_array_equal(y_train, arrays["train-labels-idx1-ubyte.gz"])


def test_environment_variables_choose_the_cache_and_the_mirror(server, tmp_path, monkeypatch):
    base_url, hashes, _, _, _ = server
    monkeypatch.setenv("L2LESSONS_DATA", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("L2LESSONS_MNIST_URL", base_url)
    X_train, *_ = load_mnist(files=hashes, progress=False)
    assert X_train.shape == (N_TRAIN, 28, 28)
    assert sorted(p.name for p in (tmp_path / "elsewhere" / "mnist").iterdir()) == sorted(
        MNIST_FILES
    )


def test_the_default_files_are_torchvisions_published_md5s():
    assert list(MNIST_FILES) == [
        "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    ]
    assert all(h.startswith("md5:") and len(h) == 4 + 32 for h in MNIST_FILES.values())
    assert MNIST_URL.startswith("https://") and MNIST_URL.endswith("/")


# --- read_idx -------------------------------------------------------------------------------


def test_read_idx_reads_plain_gzipped_and_big_endian_files(tmp_path):
    images = fake_mnist()["train-images-idx3-ubyte.gz"]
    (tmp_path / "plain").write_bytes(idx_bytes(images))
    (tmp_path / "packed.gz").write_bytes(gzip.compress(idx_bytes(images)))
    np.testing.assert_array_equal(read_idx(tmp_path / "plain"), images)
    np.testing.assert_array_equal(read_idx(tmp_path / "packed.gz"), images)
    # int32 (type code 0x0C) is stored big-endian and comes back in native order
    values = np.array([[1, -2, 70000], [3, 4, -5]], dtype=np.int32)
    header = bytes([0, 0, 0x0C, 2]) + struct.pack(">2I", 2, 3)
    (tmp_path / "ints").write_bytes(header + values.astype(">i4").tobytes())
    ints = read_idx(tmp_path / "ints")
    np.testing.assert_array_equal(ints, values)
    assert ints.dtype == np.int32 and ints.flags.writeable


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda good: good[:-1], "truncated: shape"),
        (lambda good: good[:10], "truncated: its header"),
        (lambda good: good + b"\x00", "longer than its header says"),
        (lambda good: b"\x00\x01" + good[2:], "not an IDX file: its magic number is 0001"),
        (lambda good: b"\x00\x00\x07" + good[3:], "not an IDX file"),
        (lambda good: b"", "magic number is missing"),
        (lambda good: gzip.compress(good)[:-20], "corrupted gzip file"),
    ],
    ids=["payload", "header", "trailing", "magic", "type-code", "empty", "gzip"],
)
def test_read_idx_rejects_broken_files(tmp_path, make, message):
    good = idx_bytes(np.zeros((3, 4, 4), dtype=np.uint8))
    path = tmp_path / "broken"
    path.write_bytes(make(good))
    with pytest.raises(ValueError, match=message):
        read_idx(path)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"train-images-idx3-ubyte.gz": "md5:0"}, "exactly the keys"),
        ([("a", "b")], "must be a dict"),
        (dict.fromkeys(MNIST_FILES, None), "must be a hash string"),
    ],
)
def test_load_mnist_rejects_bad_files_before_downloading(files, message, tmp_path):
    with pytest.raises(ValueError, match=message):
        load_mnist(cache_dir=tmp_path, base_url="http://127.0.0.1:9/", files=files, progress=False)


def test_the_default_cache_is_the_git_ignored_data_folder_of_the_checkout(monkeypatch):
    from l2lessons.data import _default_mnist_dir

    root = Path(__file__).resolve().parents[1]
    monkeypatch.delenv("L2LESSONS_DATA", raising=False)
    assert _default_mnist_dir() == root / "data" / "cache" / "mnist"
    assert "data/cache/" in (root / ".gitignore").read_text().splitlines()
    monkeypatch.setenv("L2LESSONS_DATA", "/somewhere")
    assert _default_mnist_dir() == Path("/somewhere/mnist")


def test_importing_the_data_module_neither_imports_pooch_nor_downloads():
    code = "import sys, l2lessons.data; print('pooch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
