r"""Tagging schemes: reading the labelled spans out of one tag per token.

A tag is a *prefix* (where the token sits in its span) and a *type* (``PER``, ``LOC``, ...):
``B-PER``, or ``PER-B`` with ``suffix=True``, or a bare prefix (``B``: a span without a type,
read as type ``"_"`` as seqeval does). ``O`` is outside every span. The schemes differ in the
prefixes they use and in what they mean:

=======  ==========  ===============================================================================
scheme   prefixes    a span is ...
=======  ==========  ===============================================================================
IOB1     I, O, B     a run of ``I-X``; ``B-X`` only starts a span right after a span of the same type
IOB2     I, O, B     ``B-X`` then ``I-X`` ... (also called BIO; every span starts with ``B``)
IOE1     I, O, E     a run of ``I-X``; ``E-X`` only ends a span right before one of the same type
IOE2     I, O, E     ``I-X`` ... then ``E-X`` (every span ends with ``E``)
IOBES    I,O,B,E,S   ``B-X I-X ... E-X``, or ``S-X`` for a single token
BILOU    B,I,L,O,U   ``B-X I-X ... L-X``, or ``U-X`` for a single token
=======  ==========  ===============================================================================

IOB1 is Ramshaw & Marcus's (1995); the names IOB2, IOE1 and IOE2 are Tjong
Kim Sang & Veenstra's (1999), who credit IOB2 to Ratnaparkhi (1998);
Ratinov & Roth (2009) compare BILOU with BIO. Tags are read in two ways,
as seqeval reads them (seqeval 1.2.2 is the reference):

- ``mode="default"`` (seqeval's default, conlleval's rules): lenient. Reads B, I, E, S and O
  prefixes whatever the scheme; a span starts at ``B``/``S``, at ``I``/``E`` after ``O`` or after
  a span end, or where the type changes; so an orphan ``I-X`` starts a span.
- ``mode="strict"`` with a ``scheme`` (seqeval ``mode='strict', scheme=...``): only the
  scheme's prefixes are allowed (others raise), and a span counts only if it starts and ends as
  the scheme says; ill-formed spans are dropped. The rules are seqeval's start/inside/end patterns
  (``seqeval.scheme``), written below as tables.

Spans are ``(type, start, end)`` with ``end`` exclusive: ``tags[start:end]`` are the span's tags.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Sequence

from seqlib import validate

__all__ = ["SCHEMES", "spans", "scheme_name", "detect_scheme"]

_ALL = "IOBESLU"

# seqeval.scheme's patterns: (previous prefixes, current prefixes, type condition), "s" same type,
# "d" different type, "a" any. A token *starts* a span, is *inside* the open span, or the
# previous token *ends* one, if any pattern of that kind matches (prev, current).
_PATTERNS = {
    "IOB1": (
        "IOB",
        [
            ("O", "I", "a"),
            ("I", "I", "d"),
            ("B", "I", "a"),
            ("I", "B", "s"),
            ("B", "B", "s"),
        ],
        [("B", "I", "s"), ("I", "I", "s")],
        [
            ("I", "I", "d"),
            ("I", "O", "a"),
            ("I", "B", "a"),
            ("B", "O", "a"),
            ("B", "I", "d"),
            ("B", "B", "s"),
        ],
    ),
    "IOB2": (
        "IOB",
        [(_ALL, "B", "a")],
        [("B", "I", "s"), ("I", "I", "s")],
        [
            ("I", "O", "a"),
            ("I", "I", "d"),
            ("I", "B", "a"),
            ("B", "O", "a"),
            ("B", "I", "d"),
            ("B", "B", "a"),
        ],
    ),
    "IOE1": (
        "IOE",
        [
            ("O", "I", "a"),
            ("I", "I", "d"),
            ("E", "I", "a"),
            ("E", "E", "s"),
        ],
        [("I", "I", "s"), ("I", "E", "s")],
        [
            ("I", "I", "d"),
            ("I", "O", "a"),
            ("I", "E", "d"),
            ("E", "I", "s"),
            ("E", "E", "s"),
        ],
    ),
    "IOE2": (
        "IOE",
        [
            ("O", "I", "a"),
            ("O", "E", "a"),
            ("E", "I", "a"),
            ("E", "E", "a"),
            ("I", "I", "d"),
            ("I", "E", "d"),
        ],
        [("I", "E", "s"), ("I", "I", "s")],
        [("E", _ALL, "a")],
    ),
    "IOBES": (
        "IOBES",
        [(_ALL, "B", "a"), (_ALL, "S", "a")],
        [
            ("B", "I", "s"),
            ("B", "E", "s"),
            ("I", "I", "s"),
            ("I", "E", "s"),
        ],
        [("S", _ALL, "a"), ("E", _ALL, "a")],
    ),
    "BILOU": (
        "BILOU",
        [(_ALL, "B", "a"), (_ALL, "U", "a")],
        [
            ("B", "I", "s"),
            ("B", "L", "s"),
            ("I", "I", "s"),
            ("I", "L", "s"),
        ],
        [("U", _ALL, "a"), ("L", _ALL, "a")],
    ),
}


def _table(patterns) -> frozenset:
    """The (prev prefix, current prefix, same type) triples that match any of ``patterns``."""
    return frozenset(
        (p, c, same)
        for prevs, currents, cond in patterns
        for p in prevs
        for c in currents
        for same in (True, False)
        if cond == "a" or (cond == "s") == same
    )


#: scheme name -> (allowed prefixes, start triples, inside triples, end triples)
SCHEMES = {
    name: (allowed, _table(start), _table(inside), _table(end))
    for name, (allowed, start, inside, end) in _PATTERNS.items()
}


def scheme_name(scheme: Any, name: str = "scheme") -> str:
    """``scheme`` as one of :data:`SCHEMES`' names; a seqeval scheme class (``seqeval.scheme.IOBES``) works too."""
    label = getattr(scheme, "__name__", scheme)
    if not isinstance(label, str) or label.upper() not in SCHEMES:
        raise ValueError(
            f"{name} must be one of {tuple(SCHEMES)} (or None), got {scheme!r}"
        )
    return label.upper()


def _parse(tag: Any, suffix: bool, where: str) -> tuple[str, str]:
    """Split one tag into (prefix, type): 'B-PER' -> ('B', 'PER'), 'O' -> ('O', '_'), 'B' -> ('B', '_')."""
    if not isinstance(tag, str):
        raise TypeError(
            f"{where} must be a tag string such as 'B-PER' or 'O', got {type(tag).__name__} {tag!r}"
        )
    if len(tag) == 1 and tag in _ALL:
        return tag, "_"
    prefix, dash, kind = (
        (tag[-1:], tag[-2:-1], tag[:-2])
        if suffix
        else (tag[:1], tag[1:2], tag[2:])
    )
    if (
        prefix
        and prefix in _ALL
        and prefix != "O"
        and dash == "-"
        and kind
    ):
        return prefix, kind
    form = "'PER-B' (suffix=True)" if suffix else "'B-PER'"
    raise ValueError(
        f"{where} is {tag!r}, not a tag: expected 'O', a prefix among {tuple(_ALL)} "
        f"followed by '-' and a type, as {form}, or a bare prefix"
    )


@lru_cache(maxsize=4096)
def _parse_cached(tag: str, suffix: bool) -> tuple[str, str]:
    return _parse(tag, suffix, "a tag")


def _default_rules() -> tuple[frozenset, frozenset]:
    """seqeval's ``end_of_chunk`` / ``start_of_chunk`` as sets of (previous prefix, prefix, same type)."""
    ends, starts = set(), set()
    for prev in _ALL:
        for tag in _ALL:
            for same in (True, False):
                if (
                    prev in "ES"
                    or (prev in "BI" and tag in "BSO")
                    or (prev != "O" and not same)
                ):
                    ends.add((prev, tag, same))
                if (
                    tag in "BS"
                    or (tag in "EI" and prev in "ESO")
                    or (tag != "O" and not same)
                ):
                    starts.add((prev, tag, same))
    return frozenset(ends), frozenset(starts)


_ENDS, _STARTS = _default_rules()


def _default_spans(
    parsed: list[tuple[str, str]],
) -> list[tuple[str, int, int]]:
    """seqeval's default (conlleval) reading: a span ends / starts between consecutive tags by the rules above."""
    found, begin = [], 0
    prev, prev_kind = "O", ""
    for i, (tag, kind) in enumerate(parsed + [("O", "_")]):
        key = (prev, tag, kind == prev_kind)
        if key in _ENDS:
            found.append((prev_kind, begin, i))
        if key in _STARTS:
            begin = i
        prev, prev_kind = tag, kind
    return found


def _strict_spans(
    parsed: list[tuple[str, str]], scheme: str
) -> list[tuple[str, int, int]]:
    """seqeval's strict reading (``seqeval.scheme.Tokens.entities``) with the scheme's tables."""
    _, start, inside, end = SCHEMES[scheme]
    tokens = parsed + [("O", "_")]
    found, i, prev = [], 0, ("O", "_")
    while i < len(tokens):
        tag, kind = tokens[i]
        if (prev[0], tag, prev[1] == kind) in start:
            j, last = i + 1, tokens[i]
            while (
                last[0],
                tokens[j][0],
                last[1] == tokens[j][1],
            ) in inside:  # the final O is never inside
                last, j = tokens[j], j + 1
            if (last[0], tokens[j][0], last[1] == tokens[j][1]) in end:
                found.append((kind, i, j))
            i = j
        else:
            i += 1
        prev = tokens[i - 1]
    return found


def read_spans(
    tags: Sequence,
    mode: str,
    scheme: str | None,
    suffix: bool,
    where: str,
) -> list[tuple[str, int, int]]:
    """:func:`spans` without the option checks (the callers check them once); ``where`` names the sequence."""
    try:
        parsed = [_parse_cached(tag, suffix) for tag in tags]
    except (TypeError, ValueError):  # parse again, naming the position
        parsed = [
            _parse(tag, suffix, f"{where}[{i}]")
            for i, tag in enumerate(tags)
        ]
    if mode == "default":
        for i, (prefix, _) in enumerate(parsed):
            if prefix in "LU":
                raise ValueError(
                    f"{where}[{i}] is {tags[i]!r}: the default mode reads B/I/E/S/O prefixes only "
                    "(as conlleval); read BILOU tags with mode='strict', scheme='BILOU'"
                )
        return _default_spans(parsed)
    allowed = SCHEMES[scheme][0]
    for i, (prefix, _) in enumerate(parsed):
        if prefix not in allowed:
            raise ValueError(
                f"{where}[{i}] is {tags[i]!r}, which the {scheme} scheme does not use "
                f"(its prefixes are {', '.join(allowed)}); pass the scheme the tags are in"
            )
    return _strict_spans(parsed, scheme)


def check_options(mode: Any, scheme: Any, suffix: Any) -> str | None:
    """Check ``mode``, ``scheme`` and ``suffix``; return the scheme's name (IOB2 for strict mode without one)."""
    if mode not in ("default", "strict"):
        raise ValueError(
            f"mode must be 'default' or 'strict', got {mode!r}"
        )
    if not isinstance(suffix, bool):
        raise TypeError(
            f"suffix must be a bool, got {type(suffix).__name__} {suffix!r}"
        )
    if mode == "default":
        if scheme is not None:
            raise ValueError(
                f"scheme={scheme!r} applies only with mode='strict'; the default mode reads every "
                "scheme's B/I/E/S prefixes leniently (seqeval ignores scheme there, silently)"
            )
        return None
    return "IOB2" if scheme is None else scheme_name(scheme)


def spans(
    tags: Sequence[str],
    mode: str = "default",
    scheme: str | None = None,
    suffix: bool = False,
) -> list[tuple[str, int, int]]:
    """The labelled spans ``(type, start, end)`` encoded by one tag sequence, end exclusive.

    ``mode="default"`` reads tags as conlleval and seqeval's default do: a span starts at ``B-X``
    or ``S-X``, at ``I-X``/``E-X`` after ``O`` or after a span's end, or where the type changes, and
    runs over the ``I-X``/``E-X`` that follow. ``mode="strict"`` follows seqeval's
    ``mode='strict'`` with ``scheme`` (one of :data:`SCHEMES`;
    ``None`` means IOB2, seqlib's choice: seqeval needs
    ``scheme=IOB2`` spelled out): only spans
    that begin and end as the scheme says count; an ``I-X`` that does not continue a span of type X
    is dropped. ``suffix=True`` reads ``PER-B`` instead of ``B-PER``. Tags without a type (``B``,
    ``I``) give spans of type ``"_"``, as seqeval. Equals seqeval's ``get_entities`` (default) and
    ``Entities(..., scheme).entities`` (strict), tested on random tags for every scheme.

    >>> spans(["B-PER", "I-PER", "O", "I-LOC", "I-LOC"])
    [('PER', 0, 2), ('LOC', 3, 5)]
    >>> spans(["B-PER", "I-PER", "O", "I-LOC", "I-LOC"], mode="strict")
    [('PER', 0, 2)]
    >>> spans(["B-PER", "E-PER", "S-LOC", "O"], mode="strict", scheme="IOBES")
    [('PER', 0, 2), ('LOC', 2, 3)]
    """
    scheme = check_options(mode, scheme, suffix)
    return read_spans(
        sequence(tags, "tags"), mode, scheme, suffix, "tags"
    )


def _prefix_sets(*words: str) -> frozenset:
    return frozenset(frozenset(word) for word in words)


# seqeval.scheme.auto_detect: the set of prefixes in the true tags names
# the scheme (IOB1 and IOE1 are never detected; their tags read as 2).
_DETECT = (
    ("IOB2", _prefix_sets("IOB", "IB", "BO", "B")),
    ("IOE2", _prefix_sets("IOE", "IE", "EO", "E")),
    (
        "IOBES",
        _prefix_sets(
            "IOBES",
            "IBES",
            "IOBE",
            "OBES",
            "IBE",
            "BES",
            "OBE",
            "BE",
            "S",
        ),
    ),
    (
        "BILOU",
        _prefix_sets(
            "IOBLU",
            "IBLU",
            "IOBL",
            "OBLU",
            "IBL",
            "BLU",
            "OBL",
            "BL",
            "U",
        ),
    ),
)


def detect_scheme(
    tag_seqs: Any, suffix: bool = False, name: str = "target_tags"
) -> str:
    """The scheme seqeval's ``auto_detect`` finds in ``tag_seqs``.

    seqeval's ``classification_report(mode='strict')`` without a scheme
    reads the prefixes of the true tags: a subset of I, O, B with B is
    IOB2; of I, O, E with E, IOE2; with B and E or S alone, IOBES; with B
    and L or U alone, BILOU. Anything else raises ``ValueError``.

    >>> detect_scheme([["B-PER", "E-PER", "O", "S-LOC"]])
    'IOBES'
    """
    prefixes = set()
    for k, tags in enumerate(sequence(tag_seqs, name)):
        tags = sequence(tags, f"{name}[{k}]")
        prefixes.update(
            _parse(tag, suffix, f"{name}[{k}][{i}]")[0]
            for i, tag in enumerate(tags)
        )
    for scheme, allowed in _DETECT:
        if frozenset(prefixes) in allowed:
            return scheme
    raise ValueError(
        f"{name} uses the prefixes {sorted(prefixes)}, from which "
        "seqeval's auto-detection finds no scheme (IOB2, IOE2, IOBES "
        "or BILOU); pass scheme="
    )


def sequence(x: Any, name: str) -> list:
    """One sequence (list, tuple, ndarray, tensor) as a list; a string or a non-sequence raises ``TypeError``."""
    if (
        isinstance(x, (str, bytes))
        or not hasattr(x, "__len__")
        or not hasattr(x, "__iter__")
    ):
        raise TypeError(
            f"{name} must be a sequence (a list of tags or tokens), got {type(x).__name__} {x!r:.40}"
        )
    return validate.items(x)


def paired_sequences(
    target: Any, pred: Any, target_name: str, pred_name: str
) -> list[tuple[list, list]]:
    """Check two collections of aligned sequences (tags or tokens): as many, each pair as long, not empty.

    Messages name the caller's parameters (``target_name``, ``pred_name``).
    """
    targets, preds = (
        sequence(target, target_name),
        sequence(pred, pred_name),
    )
    validate.same_length(targets, preds, target_name, pred_name)
    if not targets:
        raise ValueError(
            f"{target_name} is empty; a metric needs at least one sequence"
        )
    pairs = []
    for k, (t, p) in enumerate(zip(targets, preds, strict=True)):
        t, p = (
            sequence(t, f"{target_name}[{k}]"),
            sequence(p, f"{pred_name}[{k}]"),
        )
        if len(t) != len(p):
            raise ValueError(
                f"sequence {k}: {target_name}[{k}] has {len(t)} tokens but {pred_name}[{k}] has {len(p)}"
            )
        pairs.append((t, p))
    return pairs
