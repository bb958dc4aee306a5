"""The Porter stemmer that ROUGE and METEOR share: NLTK's, memoised.

Both references stem with ``nltk.stem.porter.PorterStemmer()`` in its default
``NLTK_EXTENSIONS`` mode (rouge-score 0.1.2 and ``nltk.translate.meteor_score``), so one
stemmer serves both. Stemming is the slow part of ROUGE, hence the cache.

>>> porter_stem("sitting"), porter_stem("cats")
('sit', 'cat')
"""

from __future__ import annotations

from functools import cache

__all__ = ["porter_stem"]


@cache
def _stemmer():
    from nltk.stem.porter import (
        PorterStemmer,
    )  # nltk is needed only for stemming

    return PorterStemmer()  # NLTK_EXTENSIONS mode, as both references use


@cache
def porter_stem(token: str) -> str:
    """NLTK's Porter stem of ``token`` (``PorterStemmer().stem``), memoised."""
    return _stemmer().stem(token)
