"""l2lessons: the helper package of a bilingual course on L2 regularization.

Math (NumPy only; no plotting, no torch): :mod:`~l2lessons.penalty`,
:mod:`~l2lessons.ridge`, :mod:`~l2lessons.softmax`, :mod:`~l2lessons.gradcheck`,
:mod:`~l2lessons.mlp`.
Plumbing: :func:`setup` and :func:`tr` (:mod:`~l2lessons.notebook`),
:mod:`~l2lessons.data`, :mod:`~l2lessons.exercises`, :mod:`~l2lessons.glossary`,
:mod:`~l2lessons.fonts`, :mod:`~l2lessons.widgets`, :mod:`~l2lessons.explorers`,
:mod:`~l2lessons.plots`.
"""

from .notebook import environment_report, setup, tr

__version__ = "0.2.0"
__all__ = ["__version__", "environment_report", "setup", "tr"]
