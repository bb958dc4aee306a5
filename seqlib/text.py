r"""Text: tokenizers and the vocabulary that turns tokens into integer ids and back.

A language model never sees characters or words, only integers. This module makes the
round trip explicit::

    text --tokenize--> tokens --Vocab--> ids (LongTensor)  --Vocab.decode--> text

:class:`Vocab` mirrors D2L 1.0.3's ``Vocab`` exactly (same ``token_freqs``, same alphabetical
``idx_to_token``, same ``<unk>`` handling), so indices printed in the book match D2L's.

>>> ids, vocab = build_corpus("the time machine")
>>> len(vocab), vocab.unk
(10, 1)
>>> ids[:3]
tensor([9, 5, 4])
>>> vocab.decode(ids[:8])
'the time'
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Sequence

import torch

from seqlib import validate

__all__ = ["tokenize", "Vocab", "VocabIndexError", "build_corpus"]

UNITS = ("char", "word")


def tokenize(text: str, unit: str = "char") -> list[str]:
    """Split ``text`` into tokens: characters (``unit="char"``) or words (``unit="word"``).

    Words are split on whitespace, which is all D2L does after its preprocessing (every
    run of non-letters already became one space). Empty text gives ``[]``.

    >>> tokenize("it s")
    ['i', 't', ' ', 's']
    >>> tokenize("the time  machine ", unit="word")
    ['the', 'time', 'machine']
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a str, got {type(text).__name__}")
    if unit == "char":
        return list(text)
    if unit == "word":
        return text.split()
    raise ValueError(f"unit must be one of {UNITS}, got {unit!r}")


class VocabIndexError(IndexError, ValueError):
    """An index outside ``[0, len(vocab))``. An ``IndexError``; ``except ValueError`` catches it
    too, like every other bad-input error in seqlib."""


class Vocab:
    r"""A two-way map between tokens and integer ids, built from a corpus of tokens.

    Exactly D2L 1.0.3's rule:

    - ``token_freqs``: ``(token, count)`` pairs, most frequent first (ties keep first-seen order);
    - ``idx_to_token = sorted({'<unk>'} | reserved_tokens | {t : count(t) >= min_freq})``
      -- yes, sorted *alphabetically*, not by frequency: for the Time Machine's characters
      this gives 28 tokens ``' ', '<unk>', 'a', ..., 'z'``;
    - ``vocab[token]`` is the id of ``token``, or ``vocab.unk`` for a token never kept.

    ``tokens`` is a flat list of strings or a list of lists of strings (flattened, as in D2L).
    ``sep`` is the string :meth:`decode` puts between tokens; ``None`` picks ``""`` when every
    corpus token is one character long and ``" "`` otherwise.

    >>> vocab = Vocab(list("hello"))
    >>> vocab.idx_to_token
    ['<unk>', 'e', 'h', 'l', 'o']
    >>> vocab.token_freqs[0], vocab["l"], vocab[["h", "i"]], vocab.to_tokens([2, 1])
    (('l', 2), 3, [2, 0], ['h', 'e'])
    """

    UNK = "<unk>"

    def __init__(
        self,
        tokens: Iterable[str] | Iterable[Sequence[str]],
        min_freq: int = 0,
        reserved_tokens: Sequence[str] = (),
        *,
        sep: str | None = None,
    ) -> None:
        if isinstance(tokens, str):
            raise ValueError(
                "tokens must be a list of tokens, got a str; call tokenize(text) first"
            )
        try:
            tokens = list(tokens)
        except TypeError:
            raise TypeError(
                "tokens must be a list of tokens (str) or of lines of tokens, "
                f"got {type(tokens).__name__}"
            ) from None
        if tokens and all(isinstance(t, (list, tuple)) for t in tokens):
            tokens = [
                t for line in tokens for t in line
            ]  # flatten a list of lines, as D2L does
        if not tokens:
            raise ValueError(
                "cannot build a Vocab from no tokens (was the text empty?)"
            )
        for bad in tokens:
            if not isinstance(bad, str):
                raise ValueError(
                    f"tokens must be str (or lists of str), found {type(bad).__name__}: {bad!r}"
                )
        validate.integer(min_freq, "min_freq", minimum=0)
        if isinstance(reserved_tokens, str) or not all(
            isinstance(t, str) for t in reserved_tokens
        ):
            raise ValueError(
                f"reserved_tokens must be a list of str, got {reserved_tokens!r}"
            )
        if sep is not None and not isinstance(sep, str):
            raise ValueError(
                f"sep must be a str or None, got {type(sep).__name__}"
            )

        counter = collections.Counter(tokens)
        # sorted() is stable, so equal counts keep first-seen order, like D2L's.
        self.token_freqs: list[tuple[str, int]] = sorted(
            counter.items(), key=lambda tf: tf[1], reverse=True
        )
        kept = [t for t, f in self.token_freqs if f >= min_freq]
        self.idx_to_token: list[str] = sorted(
            set([self.UNK, *reserved_tokens, *kept])
        )
        self.token_to_idx: dict[str, int] = {
            t: i for i, t in enumerate(self.idx_to_token)
        }
        self.sep: str = (
            sep
            if sep is not None
            else ("" if all(len(t) == 1 for t in counter) else " ")
        )

    def __len__(self) -> int:
        return len(self.idx_to_token)

    def __repr__(self) -> str:
        head = ", ".join(repr(t) for t in self.idx_to_token[:6])
        return f"Vocab(size={len(self)}, tokens=[{head}{', ...' if len(self) > 6 else ''}])"

    @property
    def unk(self) -> int:
        """The id of ``'<unk>'``, given to every token the vocabulary did not keep."""
        return self.token_to_idx[self.UNK]

    def __getitem__(self, tokens: str | Sequence[str]) -> int | list[int]:
        """``vocab[token] -> int`` (``unk`` if unknown); ``vocab[list or tuple] -> list[int]``."""
        if isinstance(tokens, (list, tuple)):
            return [self[t] for t in tokens]
        return self.token_to_idx.get(tokens, self.unk)

    def to_tokens(self, indices) -> str | list[str]:
        """Ids back to tokens: an int (or 0-d tensor) gives a str; a list, tuple, 1-D tensor or
        array gives a list of str, of the same length (a one-element list gives a one-element list).

        >>> Vocab(list("ab")).to_tokens([2]), Vocab(list("ab")).to_tokens(2)
        (['b'], 'b')
        """
        if isinstance(indices, torch.Tensor):
            indices = indices.tolist()  # 0-d -> int, 1-D -> list
        elif hasattr(indices, "tolist"):  # NumPy arrays and scalars
            indices = indices.tolist()
        if isinstance(indices, (list, tuple)):
            return [self._token_of(i) for i in indices]
        return self._token_of(indices)

    def _token_of(self, index) -> str:
        if isinstance(index, bool) or not isinstance(index, int):
            raise ValueError(
                f"token ids must be ints, got {type(index).__name__}: {index!r}"
            )
        if not 0 <= index < len(self):
            raise VocabIndexError(
                f"token id {index} is outside this vocabulary of {len(self)} tokens (0..{len(self) - 1})"
            )
        return self.idx_to_token[index]

    def encode(self, tokens: str | Sequence[str]) -> torch.Tensor:
        """Tokens to a ``(N,)`` LongTensor of ids. A str is first split the way :meth:`decode`
        joins (characters when ``sep == ""``, else words).

        >>> Vocab(list("abc")).encode("cab")
        tensor([3, 1, 2])
        """
        if isinstance(tokens, str):
            tokens = list(tokens) if self.sep == "" else tokens.split()
        return torch.tensor(self[list(tokens)], dtype=torch.long)  # (N,)

    def decode(self, ids, sep: str | None = None) -> str:
        """Ids (list or 1-D tensor) to text, joining tokens with ``sep`` (default ``self.sep``).

        >>> Vocab("the time".split()).decode([2, 1])
        'time the'
        """
        if isinstance(ids, torch.Tensor) and ids.dim() > 1:
            raise ValueError(
                f"decode takes a 1-D sequence of ids, got shape {tuple(ids.shape)}"
            )
        tokens = self.to_tokens(ids)
        if isinstance(tokens, str):
            tokens = [tokens]
        return (self.sep if sep is None else sep).join(tokens)


def build_corpus(
    text: str, unit: str = "char", min_freq: int = 0
) -> tuple[torch.Tensor, Vocab]:
    """Tokenize ``text``, build its :class:`Vocab`, and return ``(ids (N,) LongTensor, vocab)``.

    Tokens seen fewer than ``min_freq`` times become ``vocab.unk`` in ``ids``.

    >>> ids, vocab = build_corpus("abba")
    >>> ids.tolist(), vocab.decode(ids)
    ([1, 2, 2, 1], 'abba')
    """
    tokens = tokenize(text, unit)
    if not tokens:
        raise ValueError(
            f"text has no {unit} tokens (empty or only whitespace); cannot build a corpus"
        )
    vocab = Vocab(
        tokens, min_freq=min_freq, sep="" if unit == "char" else " "
    )
    ids = torch.tensor(vocab[tokens], dtype=torch.long)  # (N,)
    return ids, vocab
