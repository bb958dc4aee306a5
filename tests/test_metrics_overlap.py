"""Parity tests for seqlib.metrics.overlap (BLEU, chrF, ROUGE, METEOR, CIDEr), metric-reference.md §4.

References: sacrebleu 2.6, rouge-score 0.1.2, nltk 3.10 (METEOR with a stub WordNet offline,
and with the real one when NLTK finds its data), pycocoevalcap 1.2 (CIDEr-D).
"""

from __future__ import annotations

import random

import numpy as np
import pytest
import sacrebleu
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nltk.translate.meteor_score import meteor_score as nltk_meteor
from pycocoevalcap.cider.cider import Cider
from rouge_score import rouge_scorer
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

from seqlib.metrics.overlap import (
    bleu_from_stats,
    bleu_stats,
    chrf,
    cider,
    cider_per_id,
    corpus_bleu,
    meteor,
    meteor_alignment,
    rouge,
    rouge_corpus,
    sentence_bleu,
    tokenize_13a,
    wordnet_available,
)

RTOL = 1e-6
HYPS = [
    "The cat sat on the mat.",
    "A quick brown dog jumps over the lazy fox.",
]
REFS = [
    "The cat is sitting on the mat.",
    "The quick brown fox jumps over the lazy dog.",
]
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Small vocabularies make matches, repeats and ties likely; punctuation and digits exercise 13a.
WORDS = [
    "the",
    "The",
    "cat",
    "cats",
    "sat",
    "sits",
    "sitting",
    "on",
    "mat",
    "a",
    "dog",
    "3.5",
    "1,000",
    "big",
    "large",
    "run",
    "running",
    "skies",
    "dying",
    "hello",
    "it's",
    "(x)",
    "-",
    ",",
    ".",
    "!",
    "&amp;",
    "schön",
    "猫",
    "e-mail",
    "$5",
    "5-3",
]
sentence = st.lists(st.sampled_from(WORDS), min_size=0, max_size=12).map(
    " ".join
)
nonempty_sentence = st.lists(
    st.sampled_from(WORDS), min_size=1, max_size=12
).map(" ".join)


def sacre_refs(references):
    """Our one-entry-per-hypothesis references as sacrebleu's reference streams (None pads)."""
    refs = [[r] if isinstance(r, str) else list(r) for r in references]
    k = max(map(len, refs))
    return [
        [r[j] if j < len(r) else None for r in refs] for j in range(k)
    ]


# --- tokenizer -------------------------------------------------------------------------------

TRICKY = [
    "",
    " ",
    "Hello, world!",
    "3.5 and 1,000.00 yen; 5-3 = 2",
    "a-\nb c\nd <skipped> e",
    "&quot;quoted&quot; &amp; &lt;tag&gt;",
    "end with period .",
    "U.S.A. costs $3.50, or ~4€",
    "tabs\tand  spaces",
    "(paren) [bracket] {brace} `tick` 'quote' @at #hash",
    "x--y ...",
]


@pytest.mark.parametrize("text", TRICKY)
def test_tokenize_13a_matches_sacrebleu(text):
    assert tokenize_13a(text) == Tokenizer13a()(text).split()


@SETTINGS
@given(
    st.text(
        alphabet=st.sampled_from(list("ab1 .,-\n&;quotampltg<>'\"()$é")),
        max_size=40,
    )
)
def test_tokenize_13a_random(text):
    assert tokenize_13a(text) == Tokenizer13a()(text).split()


# --- BLEU -------------------------------------------------------------------------------------


def test_bleu_worked_vectors():
    assert corpus_bleu(REFS, HYPS) == pytest.approx(37.979743, abs=1e-6)
    assert corpus_bleu(REFS, HYPS, tokenize="none") == pytest.approx(
        30.940874, abs=1e-6
    )
    sentences = [
        sentence_bleu(r, h) for r, h in zip(REFS, HYPS, strict=True)
    ]
    np.testing.assert_allclose(
        sentences, [42.383656, 34.572078], atol=1e-6
    )
    assert np.mean(sentences) == pytest.approx(
        38.477867, abs=1e-6
    )  # not corpus BLEU
    assert sentence_bleu(
        "the cat sat on the mat", "the cat sat"
    ) == pytest.approx(36.787944, abs=1e-6)
    short = bleu_stats("the cat sat on the mat", "the cat sat")
    assert (
        bleu_from_stats(short, effective_order=False) == 0.0
    )  # sacrebleu's BLEU() class default
    ref, hyp = "the cat sat on the mat", "a cat on mat here"
    assert sentence_bleu(ref, hyp) == pytest.approx(11.510153, abs=1e-6)
    assert sentence_bleu(ref, hyp, smooth="floor") == pytest.approx(
        5.789301, abs=1e-6
    )
    assert sentence_bleu(ref, hyp, smooth="none") == 0.0
    two = ["the cat is on the mat", "a cat sat on the mat"]
    assert sentence_bleu(two, "the cat sat on the mat") == pytest.approx(
        84.089642, abs=1e-6
    )
    assert type(corpus_bleu(REFS, HYPS)) is float


def test_bleu_stats_match_sacrebleu():
    ours = bleu_stats(REFS[0], HYPS[0]) + bleu_stats(REFS[1], HYPS[1])
    theirs = sacrebleu.corpus_bleu(HYPS, [REFS])
    assert (
        list(ours.matches) == theirs.counts
        and list(ours.totals) == theirs.totals
    )
    assert (
        (ours.hyp_len, ours.ref_len)
        == (theirs.sys_len, theirs.ref_len)
        == (17, 18)
    )
    assert (
        bleu_stats(["a b c d e", "a b"], "x y y").ref_len == 2
    )  # closest length
    assert (
        bleu_stats(["a b", "a b c d"], "x y z").ref_len == 2
    )  # tie: the shorter


def test_bleu_edge_cases():
    assert (
        corpus_bleu([""], [""])
        == sacrebleu.corpus_bleu([""], [[""]]).score
        == 0.0
    )
    assert corpus_bleu(["a b c d"], [""]) == 0.0
    assert corpus_bleu(["a b c d"], ["a b c d"]) == pytest.approx(100.0)
    assert sentence_bleu("word", "word") == pytest.approx(
        100.0
    )  # one word, effective order 1
    assert corpus_bleu(
        ["a b c d e f."], ["a b c d e f.  \n"]
    ) == pytest.approx(100.0)  # trailing space stripped


def test_bleu_validation():
    with pytest.raises(ValueError, match="same length"):
        corpus_bleu(REFS, HYPS[:1])
    with pytest.raises(
        ValueError, match="references must be a list .* got a single str"
    ):
        corpus_bleu("the cat", "the cat")
    with pytest.raises(ValueError, match="references_layout='streams'"):
        corpus_bleu([REFS], HYPS)  # sacrebleu's stream format
    with pytest.raises(ValueError, match="empty"):
        corpus_bleu([], [])
    with pytest.raises(ValueError, match="non-empty list"):
        corpus_bleu([[]], ["a"])
    with pytest.raises(
        ValueError,
        match="hypotheses must be a list of strings, item 0 is NoneType",
    ):
        corpus_bleu(["a"], [None])
    with pytest.raises(ValueError, match="smooth_method must be one of"):
        corpus_bleu(REFS, HYPS, smooth="add-one")
    with pytest.raises(ValueError, match="tokenize must be one of"):
        sentence_bleu("a", "a", tokenize="ja-mecab")


def test_corpus_bleu_over_many_sentences_matches_sacrebleu():
    rng = random.Random(0)
    refs = [
        " ".join(rng.choices(WORDS, k=rng.randint(5, 25)))
        for _ in range(300)
    ]
    hyps = [
        " ".join(
            w if rng.random() > 0.3 else rng.choice(WORDS)
            for w in r.split()
        )
        for r in refs
    ]
    np.testing.assert_allclose(
        corpus_bleu(refs, hyps),
        sacrebleu.corpus_bleu(hyps, [refs]).score,
        rtol=RTOL,
    )
    np.testing.assert_allclose(
        chrf(refs, hyps),
        sacrebleu.corpus_chrf(hyps, [refs]).score,
        rtol=RTOL,
    )


# --- chrF -------------------------------------------------------------------------------------


def test_chrf_worked_vectors():
    assert chrf(REFS, HYPS) == pytest.approx(61.831779, abs=1e-6)
    per_sentence = [
        chrf([r], [h]) for r, h in zip(REFS, HYPS, strict=True)
    ]
    np.testing.assert_allclose(
        per_sentence, [49.648517, 69.275003], atol=1e-6
    )
    assert chrf(["a b"], [""]) == 0.0 and chrf([""], [""]) == 0.0
    assert type(chrf(REFS, HYPS)) is float


def test_chrf_validation():
    with pytest.raises(ValueError, match="same length"):
        chrf(["a"], ["a", "b"])
    with pytest.raises(
        ValueError,
        match="hypotheses must be a list of strings, item 0 is int",
    ):
        chrf(["a"], [3])
    with pytest.raises(ValueError, match="empty"):
        chrf([], [])


# --- ROUGE ------------------------------------------------------------------------------------


def _rouge_ref(target, prediction, use_stemmer):
    scorer = rouge_scorer.RougeScorer(
        ["rouge1", "rouge2", "rougeL", "rougeLsum"],
        use_stemmer=use_stemmer,
    )
    scores = (
        scorer.score(target, prediction)
        if isinstance(target, str)
        else scorer.score_multi(target, prediction)
    )
    return {
        k: (s.precision, s.recall, s.fmeasure) for k, s in scores.items()
    }


def _assert_rouge_equal(ours, theirs):
    assert set(ours) == set(theirs)
    for k, (p, r, f) in theirs.items():
        np.testing.assert_allclose(
            [
                ours[k]["precision"],
                ours[k]["recall"],
                ours[k]["fmeasure"],
            ],
            [p, r, f],
            rtol=RTOL,
            atol=1e-12,
            err_msg=k,
        )


def test_rouge_worked_vectors():
    f = [
        [
            rouge(r, h)[k]["fmeasure"]
            for k in ("rouge1", "rouge2", "rougeL")
        ]
        for r, h in zip(REFS, HYPS, strict=True)
    ]
    np.testing.assert_allclose(
        f,
        [[0.769231, 0.545455, 0.769231], [0.888889, 0.5, 0.666667]],
        atol=1e-6,
    )
    means = rouge_corpus(REFS, HYPS)
    np.testing.assert_allclose(
        [means["rouge1"], means["rouge2"], means["rougeL"]],
        [0.829060, 0.522727, 0.717949],
        atol=1e-6,
    )
    assert rouge("the cats are sitting", "the cat is sits")["rouge1"][
        "fmeasure"
    ] == pytest.approx(0.25)
    assert rouge(
        "the cats are sitting", "the cat is sits", use_stemmer=True
    )["rouge1"]["fmeasure"] == pytest.approx(0.75)
    lsum = rouge(
        "The cat sat on the mat.\nIt was very happy.",
        "It was happy.\nThe cat sat on a mat.",
    )
    assert lsum["rougeL"]["fmeasure"] == pytest.approx(0.526316, abs=1e-6)
    assert lsum["rougeLsum"]["fmeasure"] == pytest.approx(
        0.842105, abs=1e-6
    )
    with pytest.warns(UserWarning, match="has no tokens"):
        assert (
            rouge("猫がいる", "猫がいる")["rouge1"]["fmeasure"] == 0.0
        )  # non-ASCII is destroyed, as rouge-score
    assert type(rouge(REFS[0], HYPS[0])["rouge1"]["fmeasure"]) is float


@pytest.mark.parametrize("use_stemmer", [False, True])
def test_rouge_stemmer_mode_and_multi(use_stemmer):
    # "skies" -> "sky" in NLTK_EXTENSIONS mode, "ski" in ORIGINAL_ALGORITHM: rouge-score uses the former
    for target, pred in [
        ("the skies are dying", "sky dies"),
        ("Das ist schön", "das ist sch n"),
        ("", ""),
        ("a\n\nb c", "b c\na"),
    ]:
        _assert_rouge_equal(
            rouge(target, pred, use_stemmer),
            _rouge_ref(target, pred, use_stemmer),
        )
    multi = ["the cat sat", "a dog sat on the mat", "cats sitting"]
    _assert_rouge_equal(
        rouge(multi, "the cats sat on a mat", use_stemmer),
        _rouge_ref(multi, "the cats sat on a mat", use_stemmer),
    )


lines = st.lists(sentence, min_size=0, max_size=3).map("\n".join)


def test_rouge_validation():
    with pytest.raises(ValueError, match="prediction must be a string"):
        rouge("a", ["a"])
    with pytest.raises(ValueError, match="target must be"):
        rouge([], "a")
    with pytest.raises(ValueError, match="same length"):
        rouge_corpus(["a"], ["a", "b"])
    with pytest.raises(
        ValueError, match="targets must be a list of texts"
    ):
        rouge_corpus("a", "a")
    with pytest.raises(
        ValueError, match="predictions must be a list of texts"
    ):
        rouge_corpus(["a"], None)
    with pytest.raises(ValueError, match="use_stemmer must be a bool"):
        rouge("a", "a", use_stemmer="yes")
    with pytest.raises(
        ValueError, match="tokenizer must be None, a function"
    ):
        rouge("a", "a", tokenizer=3)
    with pytest.raises(ValueError, match="tokenizer must return a list"):
        rouge("a", "a", tokenizer=str.upper)
    with pytest.raises(ValueError, match="at least one"):
        rouge_corpus([], [])


# --- METEOR -----------------------------------------------------------------------------------


class StubWordNet:
    """A WordNet with no synsets: NLTK's METEOR then runs its exact and stem stages only."""

    def synsets(self, word):
        return []


def _tok(text):
    return tokenize_13a(text.lower())


def test_meteor_without_synonyms_matches_nltk_stub():
    ours = [
        meteor(_tok(r), _tok(h), wordnet=None)
        for r, h in zip(REFS, HYPS, strict=True)
    ]
    np.testing.assert_allclose(ours, [0.745429, 0.822840], atol=1e-6)
    theirs = [
        nltk_meteor([_tok(r)], _tok(h), wordnet=StubWordNet())
        for r, h in zip(REFS, HYPS, strict=True)
    ]
    np.testing.assert_allclose(ours, theirs, rtol=RTOL)
    assert meteor(
        ["the", "cat", "sitting"], ["the", "cat", "sat"], wordnet=None
    ) == pytest.approx(0.625)
    assert (
        meteor(_tok(REFS[0]), _tok(HYPS[0]), wordnet=StubWordNet())
        == ours[0]
    )  # an object works too
    assert (
        meteor(["a", "b"], ["c"], wordnet=None) == 0.0
        and meteor([], ["c"], wordnet=None) == 0.0
    )
    assert meteor(["a"], [], wordnet=None) == 0.0
    assert type(ours[0]) is float


token_list = st.lists(
    st.sampled_from(
        [
            "the",
            "The",
            "cat",
            "cats",
            "sat",
            "sits",
            "sitting",
            "on",
            "mat",
            "a",
            "run",
            "runs",
            "running",
            "big",
            "large",
            "dog",
            "dogs",
            "is",
            "was",
        ]
    ),
    min_size=0,
    max_size=10,
)


def test_meteor_alignment_order():
    # exact matches are claimed from the end of the hypothesis, each taking the last free position
    assert meteor_alignment(
        ["a", "b", "a"], ["a", "a"], wordnet=None
    ) == [(0, 0), (1, 2)]
    assert meteor_alignment(
        ["the", "cat", "is", "sitting"],
        ["a", "cat", "sits"],
        wordnet=None,
    ) == [(1, 1), (2, 3)]


def test_meteor_auto_without_wordnet_skips_synonyms():
    if wordnet_available():
        pytest.skip("WordNet is installed here")
    assert meteor(_tok(REFS[0]), _tok(HYPS[0])) == meteor(
        _tok(REFS[0]), _tok(HYPS[0]), wordnet=None
    )


needs_wordnet = pytest.mark.skipif(
    not wordnet_available(),
    reason="NLTK finds no WordNet data (see .ci/wordnet.sh)",
)


@needs_wordnet
def test_meteor_with_wordnet_matches_nltk():
    from nltk.corpus import wordnet

    ours = [
        meteor(_tok(r), _tok(h)) for r, h in zip(REFS, HYPS, strict=True)
    ]
    np.testing.assert_allclose(ours, [0.875743, 0.822840], atol=1e-6)
    theirs = [
        nltk_meteor([_tok(r)], _tok(h))
        for r, h in zip(REFS, HYPS, strict=True)
    ]
    np.testing.assert_allclose(ours, theirs, rtol=RTOL)
    assert meteor(
        ["the", "cat", "sitting"], ["the", "cat", "sat"]
    ) == pytest.approx(0.981481, abs=1e-6)
    assert meteor(
        ["the", "cat", "sitting"], ["the", "cat", "sat"], wordnet=wordnet
    ) == pytest.approx(0.981481, abs=1e-6)
    assert (
        meteor(["large"], ["big"]) == 0.0
    )  # NLTK's quirk: synonyms of stems ("larg" is no lemma)


@needs_wordnet
@settings(max_examples=30, deadline=None)
@given(st.lists(token_list, min_size=1, max_size=2), token_list)
def test_meteor_random_matches_nltk_wordnet(refs, hyp):
    if hyp and all(refs):
        np.testing.assert_allclose(
            meteor(refs, hyp),
            nltk_meteor(refs, hyp),
            rtol=RTOL,
            atol=1e-12,
        )


def test_meteor_validation():
    with pytest.raises(ValueError, match="pre-tokenized"):
        meteor("the cat", ["the", "cat"])
    with pytest.raises(ValueError, match="pre-tokenized"):
        meteor(["the"], "the")
    with pytest.raises(ValueError, match="wordnet"):
        meteor(["a"], ["a"], wordnet="wordnet")
    with pytest.raises(
        ValueError, match="reference_tokens must be a list"
    ):
        meteor(None, ["a"])
    with pytest.raises(
        ValueError, match="hypothesis_tokens must be a list"
    ):
        meteor(["a"], None)


# --- CIDEr ------------------------------------------------------------------------------------

GTS = {
    1: ["a cat sits on the mat", "there is a cat on the mat"],
    2: ["a dog runs in the park", "the dog is running outside"],
    3: ["two people ride bikes", "a couple riding bicycles"],
}
RES = {
    1: ["a cat is on the mat"],
    2: ["a dog runs outside"],
    3: ["people ride bicycles"],
}


def test_cider_worked_vectors():
    assert cider(GTS, RES) == pytest.approx(2.756884, abs=1e-6)
    np.testing.assert_allclose(
        list(cider_per_id(GTS, RES).values()),
        [4.157813, 2.486913, 1.625925],
        atol=1e-6,
    )
    two = {k: GTS[k] for k in (1, 2)}
    assert cider(two, {k: RES[k] for k in (1, 2)}) == pytest.approx(
        3.348348, abs=1e-6
    )
    assert (
        Cider().compute_score({1: GTS[1]}, {1: RES[1]})[0] == 0.0
    )  # pycocoevalcap: 0 without a word
    with pytest.raises(
        ValueError, match="undefined for a single image"
    ):  # every IDF is log 1 = 0
        cider({1: GTS[1]}, {1: RES[1]})
    score, per_image = Cider().compute_score(GTS, RES)
    np.testing.assert_allclose(cider(GTS, RES), score, rtol=RTOL)
    np.testing.assert_allclose(
        list(cider_per_id(GTS, RES).values()), per_image, rtol=RTOL
    )
    assert type(cider(GTS, RES)) is float


caption = st.lists(
    st.sampled_from(
        [
            "a",
            "the",
            "cat",
            "dog",
            "on",
            "mat",
            "runs",
            "sits",
            "two",
            "people",
        ]
    ),
    min_size=1,
    max_size=9,
).map(" ".join)


@SETTINGS
@given(
    st.lists(
        st.tuples(st.lists(caption, min_size=1, max_size=4), caption),
        min_size=2,
        max_size=6,
    )
)
def test_cider_per_id_random(items):
    gts = {f"img{i}": refs for i, (refs, _) in enumerate(items)}
    res = {f"img{i}": [hyp] for i, (_, hyp) in enumerate(items)}
    _, per_image = Cider().compute_score(
        gts, res
    )  # the corpus score: tests/test_metrics_parity.py
    np.testing.assert_allclose(
        list(cider_per_id(gts, res).values()),
        per_image,
        rtol=RTOL,
        atol=1e-12,
    )


def test_cider_validation():
    with pytest.raises(ValueError, match="same ids"):
        cider(GTS, {1: RES[1]})
    with pytest.raises(ValueError, match="exactly one"):
        cider({1: ["a"], 2: ["b"]}, {1: ["a", "b"], 2: ["b"]})
    with pytest.raises(ValueError, match="non-empty list"):
        cider({1: [], 2: ["b"]}, {1: ["a"], 2: ["b"]})
    with pytest.raises(ValueError, match="at least one"):
        cider({}, {})
    with pytest.raises(ValueError, match="gts must be a dict"):
        cider([["a"]], [["a"]])
    with pytest.raises(ValueError, match="res must be a dict"):
        cider(GTS, None)


# --- module contract ----------------------------------------------------------------------------
