r"""TER, translation edit rate (Snover et al. 2006), as sacrebleu 2.6's ``TER()`` computes it (tercom).

TER is the fewest edits that turn a hypothesis into a reference, divided by the reference's
length: insertions, deletions and substitutions of one word, and *shifts*, which move a
contiguous run of words elsewhere at the cost of one edit. Finding the fewest shifts is NP-hard,
so tercom (and sacrebleu, which reimplements it) searches greedily: it repeatedly applies the
shift that lowers the edit distance most, among runs of at most 10 words that match the
reference, move at most 50 positions and fix an error on both sides, and stops when no shift
helps or after 1,000 candidate shifts. The word edit distance is computed in a beam of 25 cells
around the (length-scaled) diagonal. This module follows that search step for step, in its
own code, so that its numbers equal sacrebleu's: the heuristics decide the value.

sacrebleu's defaults, signature ``case:lc|tok:tercom|norm:no|punct:yes|asian:no``: lowercase,
split on whitespace, no punctuation handling. Truth first: ``ter(references, hypotheses)``.
"""

from __future__ import annotations

import math

from .overlap_text import corpus_references
from .registry import metric

__all__ = ["ter", "ter_edits"]

MAX_SHIFT_SIZE, MAX_SHIFT_DIST, BEAM_WIDTH, MAX_SHIFT_CANDIDATES = (
    10,
    50,
    25,
    1000,
)  # tercom's constants
_INF = 10**16  # an unreachable cell of the edit-distance matrix
_MAX_CACHE = 10_000  # rows kept per reference, as sacrebleu


class _EditDistance:
    """Word edit distance to one reference, in tercom's beam, with a prefix cache of matrix rows.

    Each row holds (cost, operation) per reference position; operations are ``" "`` (match),
    ``"s"``, ``"d"`` (a hypothesis word deleted), ``"i"`` (a reference word inserted), ``"x"``
    (unreachable). Rows depend only on the hypothesis prefix (all hypotheses scored against one
    reference in a search have the same length), so a trie of rows keyed by words skips them.
    """

    def __init__(self, ref: list[str]):
        self.ref, self.m = ref, len(ref)
        self.first = (list(range(self.m + 1)), ["i"] * (self.m + 1))
        self.trie: dict = {}
        self.size = 0

    def __call__(self, hyp: list[str]) -> tuple[int, str]:
        node, rows = self.trie, [self.first]
        for word in hyp:  # the longest cached prefix
            if word not in node:
                break
            node, row = node[word]
            rows.append(row)
        start = len(rows) - 1
        n, m, ref = len(hyp), self.m, self.ref
        ratio = m / n if n else 1
        beam = (
            math.ceil(ratio / 2 + BEAM_WIDTH)
            if BEAM_WIDTH < ratio / 2
            else BEAM_WIDTH
        )
        for i in range(start + 1, n + 1):
            prev_cost = rows[i - 1][0]
            cost, ops = [_INF] * (m + 1), ["x"] * (m + 1)
            diag = math.floor(i * ratio)
            lo, hi = (
                max(0, diag - beam),
                (m + 1 if i == n else min(m + 1, diag + beam)),
            )
            word = hyp[i - 1]
            for j in range(lo, hi):
                if j == 0:
                    cost[0], ops[0] = prev_cost[0] + 1, "d"
                    continue
                best, op = _INF, "x"
                c = prev_cost[j - 1] + (word != ref[j - 1])
                if c < best:
                    best, op = c, (" " if word == ref[j - 1] else "s")
                c = prev_cost[j] + 1
                if c < best:
                    best, op = c, "d"
                c = cost[j - 1] + 1
                if c < best:
                    best, op = c, "i"
                cost[j], ops[j] = best, op
            rows.append((cost, ops))
        self._remember(hyp, rows, start)
        trace, i, j = [], n, m
        while (
            i > 0 or j > 0
        ):  # read the operations back from the last cell
            op = rows[i][1][j]
            trace.append(op)
            if op in " s":
                i, j = i - 1, j - 1
            elif op == "i":
                j -= 1
            elif op == "d":
                i -= 1
            else:
                raise RuntimeError(
                    "TER's beam lost the alignment (a case tercom's beam does not cover)"
                )
        return rows[n][0][m], "".join(reversed(trace))

    def _remember(self, hyp: list[str], rows: list, start: int) -> None:
        if self.size >= _MAX_CACHE:
            return
        node = self.trie
        for i, word in enumerate(hyp):
            if i >= start and word not in node:
                node[word] = ({}, rows[i + 1])
                self.size += 1
            node = node[word][0]


def _alignment(trace: str) -> tuple[dict, list[int], list[int]]:
    """From a hypothesis-to-reference trace: reference position -> hypothesis position, and error flags."""
    h = r = -1
    align, ref_err, hyp_err = {}, [], []
    for op in trace:  # the trace rewrites the reference into the hypothesis: "i" and "d" swap roles
        if op == " " or op == "s":
            h, r = h + 1, r + 1
            align[r] = h
            err = int(op == "s")
            hyp_err.append(err)
            ref_err.append(err)
        elif op == "d":  # a hypothesis word with no reference word
            h += 1
            hyp_err.append(1)
        else:  # a reference word with no hypothesis word
            r += 1
            align[r] = h
            ref_err.append(1)
    return align, ref_err, hyp_err


def _moved(
    words: list[str], start: int, length: int, target: int
) -> list[str]:
    """``words`` with the run ``words[start:start+length]`` moved to position ``target`` (tercom's rule)."""
    run = words[start : start + length]
    if target < start:
        return (
            words[:target]
            + run
            + words[target:start]
            + words[start + length :]
        )
    if target > start + length:
        return (
            words[:start]
            + words[start + length : target]
            + run
            + words[target:]
        )
    return (
        words[:start]
        + words[start + length : length + target]
        + run
        + words[length + target :]
    )


def _runs(hyp: list[str], ref: list[str]):
    """Every (hyp start, ref start, length) of a common run of words, length 1..10, at most 50 apart."""
    n, m = len(hyp), len(ref)
    for sh in range(n):
        for sr in range(
            max(0, sh - MAX_SHIFT_DIST), min(m, sh + MAX_SHIFT_DIST + 1)
        ):
            length = 0
            while (
                length < MAX_SHIFT_SIZE
                and hyp[sh + length] == ref[sr + length]
            ):
                length += 1
                yield sh, sr, length
                if sh + length == n or sr + length == m:
                    break


def _best_shift(
    hyp: list[str], ref: list[str], distance: _EditDistance, checked: int
):
    """The shift that lowers the edit distance most (ties: longer, earlier, earlier target)."""
    score, trace = distance(hyp)
    align, ref_err, hyp_err = _alignment(trace)
    best = None
    for sh, sr, length in _runs(hyp, ref):
        if not any(hyp_err[sh : sh + length]) or not any(
            ref_err[sr : sr + length]
        ):
            continue  # the run is already right on one side
        if sh <= align[sr] < sh + length:
            continue  # it would land where it is
        last = -1
        for offset in range(-1, length):
            if sr + offset == -1:
                target = 0
            elif sr + offset in align:
                target = align[sr + offset] + 1
            else:
                break
            if target == last:
                continue
            last = target
            moved = _moved(hyp, sh, length, target)
            candidate = (
                score - distance(moved)[0],
                length,
                -sh,
                -target,
                moved,
            )
            checked += 1
            if best is None or candidate > best:
                best = candidate
        if checked >= MAX_SHIFT_CANDIDATES:
            break
    if best is None:
        return 0, hyp, checked
    return best[0], best[4], checked


def ter_edits(reference: list[str], hypothesis: list[str]) -> int:
    """Fewest edits (tercom's greedy shifts + word edit distance) from tokenized ``hypothesis`` to ``reference``.

    >>> ter_edits("a b c d".split(), "c d a b".split())
    1
    """
    for name, words in (
        ("reference", reference),
        ("hypothesis", hypothesis),
    ):
        if not isinstance(words, (list, tuple)) or not all(
            isinstance(w, str) for w in words
        ):
            raise ValueError(
                f"{name} must be a list of word strings (tokenized), got "
                f"{type(words).__name__}: {words!r:.60}"
            )
    if not reference:
        return len(hypothesis)
    distance, words, shifts, checked = (
        _EditDistance(reference),
        list(hypothesis),
        0,
        0,
    )
    while True:
        gain, moved, checked = _best_shift(
            words, reference, distance, checked
        )
        if checked >= MAX_SHIFT_CANDIDATES or gain <= 0:
            break
        shifts, words = shifts + 1, moved
    return shifts + distance(words)[0]


@metric(
    task="text overlap",
    formula=r"100\cdot\frac{\sum_i \min_j \mathrm{edits}(h_i, r_{ij})}{\sum_i \overline{|r_i|}}",
    meaning="How many word edits (insert, delete, substitute, or shift a run of words) per reference word turn the output into a reference.",
    use_when="Machine translation, especially to estimate post-editing effort; report beside BLEU and chrF.",
    hides=(
        "An error rate, so lower is better and it can exceed 100; the shift search is greedy (tercom's "
        "heuristics decide the number); case-insensitive by default; with several references it divides by "
        "their mean length."
    ),
    range="[0, inf)",
    higher_is_better=False,
    reference="sacrebleu.metrics.TER (sacrebleu.corpus_ter)",
    options=(
        "case_sensitive: keep case (sacrebleu case_sensitive; default False lowercases)",
        "references_layout: 'per_sentence' (seqlib's) or 'streams' (sacrebleu's transposed layout)",
    ),
)
def ter(
    references,
    hypotheses,
    *,
    case_sensitive: bool = False,
    references_layout: str | None = None,
) -> float:
    r"""Corpus TER (0-100 and beyond), sacrebleu's ``TER()`` with its defaults.

    :math:`\mathrm{TER}=100\cdot\sum_i e_i/\sum_i \bar r_i`, where :math:`e_i` is the fewest
    edits of hypothesis i over its references (:func:`ter_edits`: shifts, insertions, deletions,
    substitutions of words, each costing 1) and :math:`\bar r_i` the *mean* length of its
    references, both **pooled** over the corpus. Text is lowercased (unless
    ``case_sensitive=True``) and split on whitespace; sacrebleu's ``normalized``, ``no_punct``
    and ``asian_support`` options are not offered. Lower is better; a hypothesis much longer
    than its reference scores above 100. Empty references: 100 if anything must be deleted,
    else 0 (sacrebleu's rule). References: as :func:`~seqlib.metrics.corpus_bleu`
    (``references_layout="streams"`` for sacrebleu's).

    Raises ``ValueError`` naming the argument for wrong kinds, an empty corpus,
    mismatched lengths or an ambiguous references layout.

    >>> round(ter(["the cat sat on the mat"], ["on the mat the cat sat"]), 6)
    16.666667
    """
    refs, hyps = corpus_references(
        references, hypotheses, "ter", references_layout
    )
    if not isinstance(case_sensitive, bool):
        raise ValueError(
            f"case_sensitive must be a bool, got {type(case_sensitive).__name__}: {case_sensitive!r}"
        )

    def words(text: str) -> list[str]:
        text = text.rstrip()
        return (text if case_sensitive else text.lower()).split()

    edits, length = 0, 0.0
    for rs, h in zip(refs, hyps, strict=True):
        hyp = words(h)
        ref_words = [words(r) for r in rs]
        edits += min(ter_edits(r, hyp) for r in ref_words)
        length += sum(map(len, ref_words)) / len(ref_words)
    if length > 0:
        return 100.0 * (edits / length)
    return 100.0 if edits > 0 else 0.0
