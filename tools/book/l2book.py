"""Helpers of the website's Sphinx configuration (imported by ``conf.py`` by name, so that
Sphinx can cache the configuration: its values stay strings, not functions)."""

from __future__ import annotations


def jupyter_slug(text: str) -> str:
    """A heading's anchor as Jupyter writes it (``#A-short-SVD-primer``), so that the lessons'
    own links between notebooks (``03_ridge_closed_form.ipynb#A-short-SVD-primer``) resolve."""
    return text.strip().replace(" ", "-")


def chinese_search():
    """Sphinx's Chinese search (jieba splits the words), with its JavaScript stemmer named right.

    Sphinx 9.0 ships the English stemmer for Chinese pages (``english-stemmer.js``, which
    defines ``EnglishStemmer``) but writes ``window.Stemmer = ChineseStemmer;``, so the search
    page stops with "ChineseStemmer is not defined". The stemmer *is* the English one (for the
    Latin words of Chinese pages): this subclass says so; splitting and indexing are unchanged.
    """
    from sphinx.search.zh import SearchChinese

    class ChineseSearch(SearchChinese):
        language_name = "English"

    return ChineseSearch
