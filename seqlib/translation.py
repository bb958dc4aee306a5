r"""An offline translation task: numbers written out in two languages.

D2L §10.5 downloads English–French sentence pairs (Tatoeba) at run
time; nothing in this book may download. ``num2words`` writes any
integer out in dozens of languages, so a parallel corpus can be
*generated*, deterministically, with exact references::

    971  en: nine hundred and seventy - one
         fr: neuf cent soixante et onze      (60 + 11: no word for 70)
         de: neun ##hundert ##ein ##und ##siebzig   (units first)

It keeps what D2L's dataset teaches -- two vocabularies, ``<bos>``,
``<eos>``, ``<pad>``, truncation and padding to ``num_steps``, a valid
length per sequence -- and adds what D2L's lacks: a held-out test
split, splits that never share a source sentence, vocabularies built
on the training split only, and exact references, so that exact-match
accuracy can sit beside BLEU.

**Tokens.** A sentence is split on spaces; a comma becomes its own
token; a hyphen becomes its own token ``"-"`` ("quatre-vingt-dix" ->
``quatre - vingt - dix``), so "vingt et un" and "vingt-deux" stay
distinguishable. Languages that write a number as one compound word
(German: "siebenundneunzig") would give every number its own unseen
token, so their words are cut into the pieces of
:data:`COMPOUND_PIECES` by longest match, every piece but the first
marked with ``"##"`` (BERT's WordPiece convention): ``sieben ##und
##neunzig``. :func:`detokenize` inverts this exactly
(``detokenize(tokenize(s, lang)) == s`` for every number below 10,000
in en, fr and de; tested).

**Arrays** (:class:`TranslationSplit`), for a pair with ``n`` source
and ``m`` target tokens, each row ``num_steps`` long::

    src        x_1 .. x_n <eos> <pad> ..    src_valid_len = n + 1
    dec_input  <bos> y_1 .. y_m <pad> ..    (teacher forcing input)
    labels     y_1 .. y_m <eos> <pad> ..    tgt_valid_len = m + 1

``labels[t]`` is the token the decoder must emit after reading
``dec_input[:t + 1]``. A sentence longer than ``num_steps - 1`` tokens
keeps its first ``num_steps - 1`` tokens and still ends with ``<eos>``
(D2L cuts to ``num_steps`` and so drops the ``<eos>``: a model never
sees that sentence stop). The default ``num_steps=None`` is the
longest sentence drawn (in any of the three splits) plus one, so
nothing is truncated unless asked.

>>> pairs = number_pairs([71, 80, 97])
>>> [detokenize(t) for _, t in pairs]
['soixante et onze', 'quatre-vingts', 'quatre-vingt-dix-sept']
>>> pairs[2]
(['ninety', '-', 'seven'], ['quatre', '-', 'vingt', '-', 'dix', '-', 'sept'])
>>> data = translation_task(
...     max_number=200, num_train=100, num_val=20, num_test=30
... )
>>> tuple(data.train.src.shape), len(data.tgt_vocab) < 40
((100, 9), True)
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import torch

from seqlib import validate
from seqlib.text import Vocab

__all__ = [
    "PAD", "BOS", "EOS", "COMPOUND_PIECES", "tokenize", "detokenize",
    "number_pairs", "TranslationSplit", "TranslationData",
    "translation_task", "build_split", "tokens_from_ids",
]  # fmt: skip

PAD, BOS, EOS = "<pad>", "<bos>", "<eos>"
RESERVED = (PAD, BOS, EOS)
HYPHEN, GLUE = "-", "##"
Pairs = list[tuple[list[str], list[str]]]  # (source, target) tokens

# The pieces compound number words are cut into (longest match first).
# "sieb" (siebzehn, siebzig) and "sech" (sechzehn, sechzig) are the
# stems German uses inside compounds.
COMPOUND_PIECES: dict[str, tuple[str, ...]] = {
    "de": tuple(
        "null ein eins zwei drei vier fünf sechs sech sieben sieb acht "
        "neun zehn elf zwölf zwanzig dreißig vierzig fünfzig sechzig "
        "siebzig achtzig neunzig hundert tausend und".split()
    ),
}


def _segment(word: str, pieces: tuple[str, ...]) -> list[str]:
    """Cut ``word`` into ``pieces`` by longest match (``[word]`` if none)."""
    out, i = [], 0
    by_length = sorted(pieces, key=len, reverse=True)
    while i < len(word):
        match = [p for p in by_length if word.startswith(p, i)]
        if not match:
            return [word]  # not a compound of known pieces: keep it
        out.append(match[0] if not out else GLUE + match[0])
        i += len(match[0])
    return out


def tokenize(text: str, lang: str = "en") -> list[str]:
    """Split a written-out number into tokens (rules: module docstring).

    >>> tokenize("nine thousand, nine hundred and ninety-nine")
    ['nine', 'thousand', ',', 'nine', 'hundred', 'and', 'ninety', '-', 'nine']
    >>> tokenize("siebenundneunzig", lang="de")
    ['sieben', '##und', '##neunzig']
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a str, got {type(text).__name__}")
    if not isinstance(lang, str):
        kind = type(lang).__name__
        raise ValueError(f"lang must be a str such as 'fr', got {kind}")
    pieces = COMPOUND_PIECES.get(lang)
    tokens: list[str] = []
    for word in text.split():
        comma = word.endswith(",")
        for k, part in enumerate(word.rstrip(",").split(HYPHEN)):
            if k:
                tokens.append(HYPHEN)
            if part and pieces:
                tokens.extend(_segment(part, pieces))
            elif part:
                tokens.append(part)
        if comma:
            tokens.append(",")
    return tokens


def detokenize(tokens: Sequence[str]) -> str:
    """Join tokens back into text: the exact inverse of :func:`tokenize`.

    No space around ``"-"``, none before ``","`` or a ``"##"`` piece;
    ``<bos>``, ``<eos>`` and ``<pad>`` are dropped, ``<unk>`` is kept.

    >>> detokenize(["quatre", "-", "vingt", "-", "dix", "<eos>"])
    'quatre-vingt-dix'
    >>> detokenize(["ein", "##und", "##siebzig"])
    'einundsiebzig'
    """
    if isinstance(tokens, str):
        raise ValueError(
            "tokens must be a list of str, got a str; tokenize it first"
        )
    out, glue = "", True
    for tok in tokens:
        if not isinstance(tok, str):
            kind = type(tok).__name__
            raise ValueError(f"tokens must be str, found {kind}: {tok!r}")
        if tok in RESERVED:
            continue
        if tok == HYPHEN:
            out, glue = out + HYPHEN, True
        elif tok == "," or tok.startswith(GLUE):
            out, glue = out + tok.removeprefix(GLUE), False
        else:
            out, glue = out + ("" if glue else " ") + tok, False
    return out


def number_pairs(
    numbers, src_lang: str = "en", tgt_lang: str = "fr"
) -> Pairs:
    """``(source tokens, target tokens)`` for each integer in ``numbers``.

    Returns a list of pairs of token lists, written by ``num2words`` and
    cut by :func:`tokenize`. Raises ``ValueError`` for a negative or
    non-integer number, or a language ``num2words`` does not know.

    >>> number_pairs([21], "en", "de")
    [(['twenty', '-', 'one'], ['ein', '##und', '##zwanzig'])]
    """
    from num2words import num2words  # only this task needs it

    wanted = "numbers must be a sequence of ints >= 0"
    if isinstance(numbers, (str, bytes)) or not hasattr(
        numbers, "__iter__"
    ):
        raise ValueError(f"{wanted}, got {type(numbers).__name__}")
    numbers = validate.items(numbers)
    for name, lang in (("src_lang", src_lang), ("tgt_lang", tgt_lang)):
        try:
            num2words(1, lang=lang)
        except (NotImplementedError, TypeError, ValueError):
            raise ValueError(
                f"{name} must be a language num2words writes, such as "
                f"'fr', got {lang!r}"
            ) from None
    pairs = []
    for n in numbers:
        try:
            validate.integer(n, "numbers", minimum=0)
        except ValueError:
            raise ValueError(f"{wanted}, got an item {n!r}") from None
        src = tokenize(num2words(int(n), lang=src_lang), src_lang)
        tgt = tokenize(num2words(int(n), lang=tgt_lang), tgt_lang)
        pairs.append((src, tgt))
    return pairs


@dataclass(frozen=True)
class TranslationSplit:
    """One split as padded id tensors (layout: module docstring).

    ``src`` ``(N, T)``, ``dec_input`` and ``labels`` ``(N, T')``, valid
    lengths ``(N,)``, all int64; ``pairs[i]`` holds the untruncated
    token lists (the references), ``numbers[i]`` the integer.
    :meth:`batches` yields ``(src, src_valid_len, dec_input, labels,
    tgt_valid_len)`` minibatches.
    """

    src: torch.Tensor  # (N, T) ids, each row: ... <eos> <pad> ...
    src_valid_len: torch.Tensor  # (N,) tokens incl. <eos>, no padding
    dec_input: torch.Tensor  # (N, T') <bos> + target, then <pad>
    labels: torch.Tensor  # (N, T') target + <eos>, then <pad>
    tgt_valid_len: torch.Tensor  # (N,) non-pad labels
    pairs: list  # N (src_tokens, tgt_tokens), untruncated references
    numbers: torch.Tensor  # (N,) the integers written out

    def __len__(self) -> int:
        return len(self.pairs)

    def _tensors(self) -> tuple[torch.Tensor, ...]:
        return (self.src, self.src_valid_len, self.dec_input,
                self.labels, self.tgt_valid_len)  # fmt: skip

    def subset(self, index) -> TranslationSplit:
        """The rows ``index`` (an index tensor or list) as a new split."""
        index = torch.as_tensor(index, dtype=torch.long)  # (n,)
        rows = [t[index] for t in self._tensors()]
        pairs = [self.pairs[i] for i in index.tolist()]
        return TranslationSplit(*rows, pairs, self.numbers[index])

    def batches(self, batch_size: int, shuffle: bool = False,
                generator: torch.Generator | None = None
                ) -> Iterator[tuple[torch.Tensor, ...]]:  # fmt: skip
        """Minibatches ``(src, src_valid_len, dec_input, labels,
        tgt_valid_len)``, in order or shuffled; the last may be smaller.

        >>> split = translation_task(
        ...     max_number=50, num_train=20, num_val=5, num_test=5
        ... ).test
        >>> [b[0].shape[0] for b in split.batches(2)]
        [2, 2, 1]
        """
        validate.integer(batch_size, "batch_size", minimum=1)
        if shuffle:
            order = torch.randperm(len(self), generator=generator)
        else:
            order = torch.arange(len(self))  # (N,)
        for start in range(0, len(self), batch_size):
            rows = order[start : start + batch_size]  # (b,)
            yield tuple(t[rows] for t in self._tensors())


@dataclass(frozen=True)
class TranslationData:
    """Vocabularies (from ``train`` only), three splits, the settings."""

    src_vocab: Vocab
    tgt_vocab: Vocab
    train: TranslationSplit
    val: TranslationSplit
    test: TranslationSplit
    src_lang: str
    tgt_lang: str
    max_number: int
    num_steps: int
    min_freq: int
    seed: int
    num_truncated: int  # sentences (either side, any split) cut short


def _pad(seqs: list[list[int]], width: int, pad_id: int) -> torch.Tensor:
    out = torch.full((len(seqs), width), pad_id, dtype=torch.long)
    for i, s in enumerate(seqs):
        out[i, : len(s)] = torch.tensor(s, dtype=torch.long)
    return out  # (N, width)


def build_split(pairs, numbers, src_vocab: Vocab, tgt_vocab: Vocab,
                num_steps: int) -> TranslationSplit:  # fmt: skip
    """Token pairs to a :class:`TranslationSplit`: truncate to
    ``num_steps``, add ``<eos>``/``<bos>``, pad. Tokens a vocabulary
    lacks become its ``<unk>`` id.

    >>> sv = Vocab([["a", "b"]], reserved_tokens=RESERVED)
    >>> tv = Vocab([["x"]], reserved_tokens=RESERVED)
    >>> s = build_split([(["a", "b"], ["x"])], [0], sv, tv, num_steps=4)
    >>> s.src.tolist(), s.dec_input.tolist(), s.labels.tolist()
    ([[4, 5, 1, 2]], [[0, 4, 2, 2]], [[4, 1, 2, 2]])
    >>> s.src_valid_len.tolist(), s.tgt_valid_len.tolist()
    ([3], [2])
    """
    validate.integer(num_steps, "num_steps", minimum=2)
    pairs = list(pairs)
    numbers = validate.items(numbers)
    numbers = torch.as_tensor(numbers, dtype=torch.long).reshape(-1)
    validate.same_length(pairs, numbers, "pairs", "numbers")
    if not pairs:
        raise ValueError(
            "pairs is empty; a split needs at least one pair"
        )
    for vocab, name in (
        (src_vocab, "src_vocab"),
        (tgt_vocab, "tgt_vocab"),
    ):
        if not isinstance(vocab, Vocab) or any(
            t not in vocab.token_to_idx for t in RESERVED
        ):
            raise ValueError(
                f"{name} must be a seqlib.text.Vocab holding {RESERVED}"
            )
    keep = num_steps - 1  # room for <eos> (src, labels) or <bos>
    src = [src_vocab[list(s[:keep])] + [src_vocab[EOS]] for s, _ in pairs]
    tgt = [tgt_vocab[list(t[:keep])] for _, t in pairs]
    dec = [[tgt_vocab[BOS]] + t for t in tgt]
    lab = [t + [tgt_vocab[EOS]] for t in tgt]
    return TranslationSplit(
        src=_pad(src, num_steps, src_vocab[PAD]),
        src_valid_len=torch.tensor([len(s) for s in src]),
        dec_input=_pad(dec, num_steps, tgt_vocab[PAD]),
        labels=_pad(lab, num_steps, tgt_vocab[PAD]),
        tgt_valid_len=torch.tensor([len(t) for t in lab]),
        pairs=[(list(s), list(t)) for s, t in pairs],
        numbers=numbers,
    )


def translation_task(
    src_lang: str = "en",
    tgt_lang: str = "fr",
    max_number: int = 10_000,
    num_train: int = 4_000,
    num_val: int = 500,
    num_test: int = 1_000,
    num_steps: int | None = None,
    min_freq: int = 1,
    seed: int = 0,
) -> TranslationData:
    r"""The number-translation task, ``num_train + num_val + num_test``
    distinct integers.

    The integers are the first ones of a seeded permutation of
    ``0 .. max_number - 1`` (train, then val, then test), so the splits
    never share a number, hence never a source sentence (``num2words``
    writes distinct numbers differently).

    Defaults, with their reasons: ``max_number=10_000`` (one to four
    digits: French's irregular 70-99, "cent"/"cents", "mille", English
    commas); ``num_train=4_000`` (a small GRU seq2seq learns the mapping
    from 40% of the range in well under a minute of CPU); ``num_val=500``;
    ``num_test=1_000`` (exact-match accuracy to about +-3 points at 95%);
    ``num_steps=None`` (longest sentence drawn + 1: nothing truncated);
    ``min_freq=1`` (every training token kept; D2L uses 2).

    Both vocabularies are built on the *training* pairs only, with the
    reserved tokens ``<pad>``, ``<bos>``, ``<eos>`` (and ``<unk>``).
    D2L builds them on train + validation, so its validation tokens are
    never unknown -- a leak. A token seen only outside training becomes
    ``<unk>``.

    >>> d = translation_task(
    ...     max_number=1000, num_train=600, num_val=100, num_test=300
    ... )
    >>> d.num_steps, d.num_truncated, len(d.src_vocab), len(d.tgt_vocab)
    (10, 0, 34, 30)
    """
    validate.integer(max_number, "max_number", minimum=1)
    sizes = {"num_train": num_train, "num_val": num_val,
             "num_test": num_test}  # fmt: skip
    for name, value in sizes.items():
        validate.integer(value, name, minimum=1)
    validate.integer(num_steps, "num_steps", minimum=2, optional=True)
    validate.integer(min_freq, "min_freq", minimum=1)
    validate.integer(seed, "seed", minimum=0)
    total = num_train + num_val + num_test
    if total > max_number:
        raise ValueError(
            "num_train + num_val + num_test must be <= max_number = "
            f"{max_number} (each number is used once), got {total}"
        )
    gen = torch.Generator().manual_seed(seed)
    numbers = torch.randperm(max_number, generator=gen)[:total].tolist()
    pairs = number_pairs(numbers, src_lang, tgt_lang)
    if num_steps is None:  # longest sentence drawn, + <eos> or <bos>
        num_steps = 1 + max(max(len(s), len(t)) for s, t in pairs)
    vocabs = [
        Vocab([pair[side] for pair in pairs[:num_train]],
              min_freq=min_freq, reserved_tokens=RESERVED, sep=" ")
        for side in (0, 1)
    ]  # fmt: skip
    ends = [0, num_train, num_train + num_val, total]
    splits = [
        build_split(pairs[a:b], numbers[a:b], *vocabs, num_steps)
        for a, b in itertools.pairwise(ends)
    ]
    truncated = sum(len(s) >= num_steps for pair in pairs for s in pair)
    return TranslationData(
        *vocabs, *splits, src_lang, tgt_lang, max_number, num_steps,
        min_freq, seed, truncated,
    )  # fmt: skip


def tokens_from_ids(ids, vocab: Vocab) -> list[str]:
    """One output's ids (list or 1-D tensor) to tokens: up to the first
    ``<eos>``, without ``<bos>`` and ``<pad>``; the form
    :func:`detokenize` and the overlap metrics expect.

    >>> v = Vocab([["un"]], reserved_tokens=RESERVED)
    >>> tokens_from_ids([v[BOS], v["un"], v[EOS], v["un"]], v)
    ['un']
    """
    if not isinstance(vocab, Vocab):
        kind = type(vocab).__name__
        raise TypeError(f"vocab must be a seqlib.text.Vocab, got {kind}")
    ids = validate.token_ids(ids, "ids", vocab_size=len(vocab))
    out = []
    for tok in vocab.to_tokens(ids):
        if tok == EOS:
            break
        if tok not in (BOS, PAD):
            out.append(tok)
    return out
