"""BLEU, chrF and TER options (issue 18), reference layouts (issue 17) and the diversity measures (issue 14).

Parity with sacrebleu 2.6 on hypothesis-generated corpora for every option, and sacrebleu's own
published test vectors (its test/test_bleu.py, test_sentence_bleu.py, test_chrf.py, test_ter.py:
their inputs and expected values, copied here). distinct-n and self-BLEU have no reference
library: hand-computed vectors, and self-BLEU's terms against sacrebleu's sentence_bleu and
Texygen's NLTK setting.
"""

from __future__ import annotations

import math

import pytest
import sacrebleu
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nltk.translate.bleu_score import SmoothingFunction
from nltk.translate.bleu_score import sentence_bleu as nltk_sentence_bleu
from sacrebleu.metrics import BLEU, CHRF, TER

from seqlib.metrics import REGISTRY
from seqlib.metrics.overlap import (
    BleuStats,
    bleu_from_stats,
    bleu_stats,
    chrf,
    corpus_bleu,
    distinct_n,
    self_bleu,
    sentence_bleu,
    ter,
    ter_edits,
    tokenize_char,
    tokenize_intl,
)

SETTINGS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
WORDS = [
    "the",
    "The",
    "cat",
    "Cat",
    "sat",
    "on",
    "mat",
    "a",
    "dog",
    "3.5",
    "1,000",
    "it's",
    "(x)",
    "-",
    ",",
    ".",
    "!",
    "«Schön»",
    "猫が",
    "e-mail",
    "$5",
    "5-3",
    "2024.",
    "ÉTÉ",
    "€",
    "x.y",
]
sentence = st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join)
refs_of_one = st.lists(sentence, min_size=1, max_size=3)
corpus = st.lists(
    st.tuples(refs_of_one, sentence), min_size=1, max_size=5
)


def streams(per_sentence):
    """seqlib's per-sentence references as sacrebleu's streams (None pads a shorter list)."""
    k = max(map(len, per_sentence))
    return [
        [r[j] if j < len(r) else None for r in per_sentence]
        for j in range(k)
    ]


# --- sacrebleu's published vectors: BLEU ----------------------------------------------------------

REFS_STREAMS = [
    [
        "The dog bit the man.",
        "It was not unexpected.",
        "The man bit him first.",
    ],
    [
        "The dog had bit the man.",
        "No one was surprised.",
        "The man had bitten the dog.",
    ],
]
HYPS = [
    "The dog bit the man.",
    "It wasn't surprising.",
    "The man had just bitten him.",
]


@pytest.mark.parametrize(
    "hyps, kwargs, expected",
    [
        (HYPS, {}, 48.530827),
        (["", "", ""], {}, 0.0),
        (HYPS, {"tokenize": "none"}, 49.1919566),
        (HYPS, {"tokenize": "13a"}, 48.530827),
        (HYPS, {"tokenize": "intl"}, 43.91623493),
        (HYPS, {"smooth_method": "none"}, 48.530827),
    ],
)
def test_sacrebleu_corpus_bleu_cases(hyps, kwargs, expected):
    assert (
        abs(
            corpus_bleu(
                REFS_STREAMS, hyps, references_layout="streams", **kwargs
            )
            - expected
        )
        < 1e-6
    )


@pytest.mark.parametrize(
    "order, expected",
    [
        (1, "77.65"),
        (2, "60.50"),
        (3, "53.93"),
        (4, "48.53"),
        (5, "46.14"),
        (6, "43.28"),
    ],
)
def test_sacrebleu_max_ngram_order_cases(order, expected):
    assert (
        f"{corpus_bleu(REFS_STREAMS, HYPS, references_layout='streams', max_ngram_order=order):.2f}"
        == expected
    )


def raw_corpus_bleu(hyps, refs, smooth_value):
    """sacrebleu's raw_corpus_bleu: no tokenization, floor smoothing, effective order (on 0-1)."""
    return (
        corpus_bleu(
            refs,
            hyps,
            references_layout="streams",
            tokenize="none",
            smooth_method="floor",
            smooth_value=smooth_value,
            use_effective_order=True,
        )
        / 100
    )


@pytest.mark.parametrize(
    "hyps, refs, expected",
    [
        (["this is a test", "another test"], [["ref1", "ref2"]], 0.0),
        (["this is a test"], [["this is a test"]], 1.0),
        (["this is a fest"], [["this is a test"]], 0.223606797749979),
        (["test"], [["a test"]], 0.3678794411714425),  # effective order
        (["a test"], [["a test"]], 1.0),
        (["a little test"], [["a test"]], 0.03218297948685433),
    ],
)
def test_sacrebleu_raw_and_effective_order_cases(hyps, refs, expected):
    assert abs(raw_corpus_bleu(hyps, refs, 0.01) - expected) < 1e-8


def test_sacrebleu_statistics_offset_and_scoring_cases():
    stats = bleu_stats(
        "I am a symbol string sequence a a",
        "am I am a character sequence",
        tokenize="none",
    )
    assert (list(stats.matches), list(stats.totals)) == (
        [4, 2, 1, 0],
        [6, 5, 4, 3],
    )
    hyp, ref = (
        ["am I am a character sequence"],
        [["I am a symbol string sequence a a"]],
    )
    assert abs(raw_corpus_bleu(hyp, ref, 0.0) - 0.0) < 1e-8
    assert (
        abs(raw_corpus_bleu(hyp, ref, None) - 0.1555722182) < 1e-8
    )  # None: the default floor, 0.1
    assert (
        abs(
            bleu_from_stats(
                BleuStats((9, 7, 5, 3), (10, 8, 6, 4), 11, 11),
                smooth_method="none",
            )
            / 100
            - 0.8375922397
        )
        < 1e-8
    )


@pytest.mark.parametrize(
    "stats, value",
    [
        (((0, 0, 0, 0), (4, 4, 2, 1), 0, 1), 0.0),
        (((0, 0, 0, 0), (10, 11, 12, 0), 14, 10), 0.0),
        (((0, 0, 0, 0), (0, 0, 0, 0), 0, 0), 0.0),
        (((6, 5, 4, 0), (6, 5, 4, 3), 6, 6), 0.0),
        (((0, 0, 0, 0), (0, 0, 0, 0), 0, 0), 0.1),
        (((0, 0, 0, 0), (0, 0, 0, 0), 1, 5), 0.01),
    ],
)
def test_sacrebleu_degenerate_statistics_cases(stats, value):
    assert (
        bleu_from_stats(
            BleuStats(*stats), smooth_method="floor", smooth_value=value
        )
        == 0.0
    )


REF_RO = "producţia de zahăr brut se exprimă în zahăr alb;"
SYS_RO = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;"


@pytest.mark.parametrize(
    "method, value, lowercase, tok, expected",
    [
        ("exp", None, False, "13a", 8.493),
        ("none", None, False, "13a", 0.0),
        ("floor", None, False, "13a", 4.51688),
        ("floor", 0.1, False, "13a", 4.51688),
        ("floor", 0.5, False, "13a", 10.10),
        ("add-k", None, False, "13a", 14.882),
        ("add-k", 1, False, "13a", 14.882),
        ("add-k", 2, False, "13a", 21.389),
        ("exp", None, False, "none", 7.347),
        ("exp", None, False, "intl", 8.493),
        ("exp", None, False, "char", 40.8759),
        ("exp", None, True, "char", 42.0267),
    ],
)
def test_sacrebleu_sentence_bleu_cases(
    method, value, lowercase, tok, expected
):
    ours = sentence_bleu(
        [REF_RO],
        SYS_RO,
        smooth_method=method,
        smooth_value=value,
        lowercase=lowercase,
        tokenize=tok,
    )
    assert abs(ours - expected) < 1e-3


@pytest.mark.parametrize(
    "method, value",
    [
        ("exp", None),
        ("none", None),
        ("floor", None),
        ("floor", 0.1),
        ("add-k", None),
        ("add-k", 1),
    ],
)
def test_sacrebleu_sentence_bleu_zero_cases(method, value):
    assert (
        sentence_bleu(
            ["okay thanks"],
            "this is a cat",
            smooth_method=method,
            smooth_value=value,
        )
        == 0.0
    )


# --- sacrebleu's published vectors: chrF and TER ---------------------------------------------------


@pytest.mark.parametrize(
    "hyps, refs, expected",
    [
        (["abcdefg"], ["hijklmnop"], 0.0),
        (["a"], ["b"], 0.0),
        ([""], ["b"], 0.0),
        ([""], ["ref"], 0.0),
        ([""], ["reference"], 0.0),
        (["aa"], ["ab"], 8.3333),
        (["a", "b"], ["a", "c"], 8.3333),
        (["a"], ["a"], 16.6667),
        (["a b c"], ["a b c"], 50.0),
        (["a b c"], ["abc"], 50.0),
        (
            [
                " risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."
            ],
            [
                "risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."
            ],
            63.361730,
        ),
        (
            [
                " Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. "
            ],
            [
                "Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."
            ],
            64.1302698,
        ),
        (
            ["Niemand hat die Absicht, eine Mauer zu errichten"],
            ["Niemand hat die Absicht, eine Mauer zu errichten"],
            100.0,
        ),
    ],
)
def test_sacrebleu_chrf3_eps_cases(hyps, refs, expected):
    assert (
        abs(chrf(refs, hyps, beta=3, eps_smoothing=True) - expected)
        < 1e-4
    )


@pytest.mark.parametrize(
    "hyps, refs, expected",
    [
        (["a"], ["a"], 100.0),
        ([""], ["reference"], 0.0),
        (["a b c"], ["a b c"], 100.0),
        (["a b c"], ["abc"], 100.0),
        ([""], ["c"], 0.0),
        (["a", "b"], ["a", "c"], 50.0),
        (["aa"], ["ab"], 25.0),
    ],
)
def test_sacrebleu_chrf3_effective_order_cases(hyps, refs, expected):
    assert abs(chrf(refs, hyps, beta=3) - expected) < 1e-4


@pytest.mark.parametrize(
    "hyps, refs, expected",
    [
        (
            [
                "Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich."
            ],
            [
                "Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."
            ],
            67.3481606,
        ),
        (
            [
                "risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."
            ],
            [
                "risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."
            ],
            65.2414427,
        ),
    ],
)
def test_sacrebleu_chrf3_whitespace_cases(hyps, refs, expected):
    assert (
        abs(chrf(refs, hyps, beta=3, whitespace=True) - expected) < 1e-4
    )


@pytest.mark.parametrize(
    "hyp, ref, expected",
    [
        (
            "Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.",
            "Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.",
            39.14078509,
        ),
        (
            "Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.",
            "A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.",
            31.22557079,
        ),
        (
            "Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.",
            "Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.",
            57.15704367,
        ),
    ],
)
def test_sacrebleu_sentence_chrf_cases(hyp, ref, expected):
    assert abs(chrf([ref], [hyp], eps_smoothing=True) - expected) < 1e-4


TER_DE_HYPS = [
    'wählen Sie " Bild neu berechnen , " um beim Ändern der Bildgröße Pixel hinzuzufügen oder zu entfernen , damit das Bild ungefähr dieselbe Größe aufweist wie die andere Größe .',
    'wenn Sie alle Aufgaben im aktuellen Dokument aktualisieren möchten , wählen Sie im Menü des Aufgabenbedienfelds die Option " Alle Aufgaben aktualisieren . "',
    'klicken Sie auf der Registerkarte " Optionen " auf die Schaltfläche " Benutzerdefiniert " und geben Sie Werte für " Fehlerkorrektur-Level " und " Y / X-Verhältnis " ein .',
    "Sie können beispielsweise ein Dokument erstellen , das ein Auto über die Bühne enthält .",
    'wählen Sie im Dialogfeld " Neu aus Vorlage " eine Vorlage aus und klicken Sie auf " Neu . "',
]
TER_DE_REFS = [
    'wählen Sie " Bild neu berechnen , " um beim Ändern der Bildgröße Pixel hinzuzufügen oder zu entfernen , damit die Darstellung des Bildes in einer anderen Größe beibehalten wird .',
    'wenn Sie alle Aufgaben im aktuellen Dokument aktualisieren möchten , wählen Sie im Menü des Aufgabenbedienfelds die Option " Alle Aufgaben aktualisieren . "',
    'klicken Sie auf der Registerkarte " Optionen " auf die Schaltfläche " Benutzerdefiniert " und geben Sie für " Fehlerkorrektur-Level " und " Y / X-Verhältnis " niedrigere Werte ein .',
    "Sie können beispielsweise ein Dokument erstellen , das ein Auto enthalt , das sich über die Bühne bewegt .",
    'wählen Sie im Dialogfeld " Neu aus Vorlage " eine Vorlage aus und klicken Sie auf " Neu . "',
]


@pytest.mark.parametrize(
    "hyps, refs, expected",
    [
        (["aaaa bbbb cccc dddd"], ["aaaa bbbb cccc dddd"], 0),
        (["dddd eeee ffff"], ["aaaa bbbb cccc"], 1),
        ([""], ["a"], 1),
        (["a"], [""], 1),
        ([""], [""], 0),
        (["d e f g h a b c"], ["a b c d e f g h"], 1 / 8),
        (TER_DE_HYPS, TER_DE_REFS, 0.136),
    ],
)
def test_sacrebleu_ter_cases(hyps, refs, expected):
    assert abs(ter(refs, hyps) - 100 * expected) < 1e-3


# --- parity on generated corpora ---------------------------------------------------------------------

bleu_options = st.fixed_dictionaries(
    {},
    optional={
        "lowercase": st.booleans(),
        "tokenize": st.sampled_from(["13a", "none", "intl", "char"]),
        "max_ngram_order": st.integers(1, 6),
        "smooth_method": st.sampled_from(
            ["exp", "floor", "add-k", "none"]
        ),
        "smooth_value": st.sampled_from([0.0, 0.01, 0.1, 1, 2.5]),
    },
)


@SETTINGS
@given(corpus, bleu_options, st.booleans())
def test_corpus_bleu_options_match_sacrebleu(pairs, options, effective):
    refs, hyps = [r for r, _ in pairs], [h for _, h in pairs]
    theirs = (
        BLEU(effective_order=effective, **options)
        .corpus_score(hyps, streams(refs))
        .score
    )
    ours = corpus_bleu(
        refs,
        hyps,
        use_effective_order=effective,
        references_layout="per_sentence",
        **options,
    )
    assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-9)
    assert corpus_bleu(
        streams(refs),
        hyps,
        references_layout="streams",
        use_effective_order=effective,
        **options,
    ) == pytest.approx(theirs, rel=1e-9, abs=1e-9)


@SETTINGS
@given(refs_of_one, sentence, bleu_options)
def test_sentence_bleu_options_match_sacrebleu(refs, hyp, options):
    theirs = (
        BLEU(effective_order=True, **options)
        .sentence_score(hyp, refs)
        .score
    )
    assert sentence_bleu(refs, hyp, **options) == pytest.approx(
        theirs, rel=1e-9, abs=1e-9
    )


chrf_options = st.fixed_dictionaries(
    {},
    optional={
        "char_order": st.integers(0, 7),
        "word_order": st.integers(0, 3),
        "beta": st.sampled_from([0, 1, 2, 3, 0.5]),
        "lowercase": st.booleans(),
        "whitespace": st.booleans(),
        "eps_smoothing": st.booleans(),
    },
).filter(lambda o: o.get("char_order", 6) + o.get("word_order", 0) > 0)


@SETTINGS
@given(corpus, chrf_options)
def test_chrf_options_match_sacrebleu(pairs, options):
    refs, hyps = [r for r, _ in pairs], [h for _, h in pairs]
    theirs = CHRF(**options).corpus_score(hyps, streams(refs)).score
    assert chrf(
        refs, hyps, references_layout="per_sentence", **options
    ) == pytest.approx(theirs, rel=1e-9, abs=1e-9)


@SETTINGS
@given(corpus, st.booleans())
def test_ter_matches_sacrebleu(pairs, case_sensitive):
    refs, hyps = [r for r, _ in pairs], [h for _, h in pairs]
    theirs = (
        TER(case_sensitive=case_sensitive)
        .corpus_score(hyps, streams(refs))
        .score
    )
    assert ter(
        refs,
        hyps,
        case_sensitive=case_sensitive,
        references_layout="per_sentence",
    ) == pytest.approx(theirs, rel=1e-12, abs=1e-12)


def test_ter_shifts_and_long_sentences_match_sacrebleu():
    import random

    rng = random.Random(0)
    vocab = "the a cat dog sat on mat big . , run ran x y z".split()
    refs, hyps = [], []
    for _ in range(60):
        r = [rng.choice(vocab) for _ in range(rng.randint(5, 40))]
        h = list(r)
        for _ in range(rng.randint(0, 6)):
            i = rng.randrange(len(h))
            if rng.random() < 0.5:
                h[i] = rng.choice(vocab)
            else:
                run = h[i : i + 3]
                del h[i : i + 3]
                j = rng.randint(0, len(h))
                h[j:j] = run
        refs.append(" ".join(r))
        hyps.append(" ".join(h))
    assert ter(refs, hyps) == pytest.approx(
        sacrebleu.corpus_ter(hyps, [refs]).score, rel=1e-12
    )


@pytest.mark.parametrize(
    "text",
    [
        "«Schön», sagte er: 3.5€ (2024).",
        "Im Jahr 2024.",
        "a.b,c 1,000.5 x--y 猫が。",
        "U.S.A. $3.50 ~4€ @home #tag",
        "",
    ],
)
def test_intl_and_char_tokenizers_match_sacrebleu(text):
    from sacrebleu.tokenizers.tokenizer_char import TokenizerChar
    from sacrebleu.tokenizers.tokenizer_intl import (
        TokenizerV14International,
    )

    assert (
        tokenize_intl(text) == TokenizerV14International()(text).split()
    )
    assert tokenize_char(text) == TokenizerChar()(text).split()


# --- references layout (issue 17) -----------------------------------------------------------------


def test_streams_layout_is_explicit():
    refs2 = REFS_STREAMS + [
        [
            "The dog bit a man.",
            "Nobody was surprised.",
            "The man bit the dog first.",
        ]
    ]
    hyps2 = HYPS  # 3 streams for 3 sentences: sacrebleu's layout, or seqlib's transposed
    theirs = sacrebleu.corpus_bleu(hyps2, refs2).score
    with pytest.raises(
        ValueError,
        match="ambiguous.*references_layout='per_sentence' or references_layout='streams'",
    ):
        corpus_bleu(refs2, hyps2)
    assert corpus_bleu(
        refs2, hyps2, references_layout="streams"
    ) == pytest.approx(theirs)
    per_sentence = corpus_bleu(
        refs2, hyps2, references_layout="per_sentence"
    )  # the other reading
    assert per_sentence == pytest.approx(
        sacrebleu.corpus_bleu(hyps2, [list(s) for s in zip(*refs2)]).score
    )
    assert per_sentence != pytest.approx(theirs)
    for fn in (chrf, ter):
        with pytest.raises(ValueError, match="ambiguous"):
            fn(refs2, hyps2)
    # one stream (sacrebleu's usual [refs]) for several sentences: refused with the keyword to use
    with pytest.raises(ValueError, match="references_layout='streams'"):
        corpus_bleu([["a b", "c d", "e f"]], ["a b", "c d", "e f"])
    assert corpus_bleu(
        [["a b c d", "c d e f"]],
        ["a b c d", "c d e f"],
        references_layout="streams",
    ) == pytest.approx(100.0)
    assert corpus_bleu(
        [["a", "b"], ["c", "d"]],
        ["a", "d"],
        references_layout="streams",
        tokenize="none",
    ) == pytest.approx(
        sacrebleu.corpus_bleu(
            ["a", "d"], [["a", "b"], ["c", "d"]], tokenize="none"
        ).score
    )
    with pytest.raises(ValueError, match="sentence 1 has no reference"):
        corpus_bleu(
            [["a", None]], ["a", "b"], references_layout="streams"
        )
    with pytest.raises(ValueError, match="references_layout must be"):
        corpus_bleu(["a"], ["a"], references_layout="rows")
    assert corpus_bleu(
        [["x"]], ["x"], tokenize="none", max_ngram_order=1
    ) == pytest.approx(100.0)  # readings agree


# --- edge cases of the sweep ------------------------------------------------------------------------


def test_overlap_edges():
    # 13a leaves Chinese as one token: 0 for identical text (no 2-gram: effective order is off), as sacrebleu
    assert (
        corpus_bleu(["今天天气很好"], ["今天天气很好"])
        == sacrebleu.corpus_bleu(
            ["今天天气很好"], [["今天天气很好"]]
        ).score
        == 0.0
    )
    assert corpus_bleu(
        ["今天天气很好"], ["今天天气很好"], tokenize="char"
    ) == pytest.approx(100.0)
    assert corpus_bleu(
        ["今天天气很好"], ["今天天气不好"], tokenize="char"
    ) == pytest.approx(
        sacrebleu.corpus_bleu(
            ["今天天气不好"], [["今天天气很好"]], tokenize="char"
        ).score
    )
    assert chrf(["今天天气很好"], ["今天天气很好"]) == 100.0
    assert ter(["今天 天气 很好"], ["今天 天气 很好"]) == 0.0
    assert (
        ter(["a b"], ["a b c d"]) == 100.0
    )  # an error rate can reach 100 and beyond
    assert ter(["a"], ["a b c"]) == 200.0
    assert (
        ter(["A B"], ["a b"]) == 0.0
        and ter(["A B"], ["a b"], case_sensitive=True) == 100.0
    )
    assert chrf(["x y"], ["x y"], char_order=0, word_order=2) == 100.0


def test_options_refused_by_name():
    cases = [
        (
            lambda: corpus_bleu(["a"], ["a"], lowercase="yes"),
            "lowercase must be a bool",
        ),
        (
            lambda: corpus_bleu(["a"], ["a"], max_ngram_order=0),
            "max_ngram_order must be an int >= 1",
        ),
        (
            lambda: corpus_bleu(["a"], ["a"], max_ngram_order=2.0),
            "max_ngram_order must be an int",
        ),
        (
            lambda: corpus_bleu(["a"], ["a"], smooth_value=-1),
            "smooth_value must be",
        ),
        (
            lambda: corpus_bleu(["a"], ["a"], smooth_value="0.1"),
            "smooth_value must be",
        ),
        (
            lambda: corpus_bleu(["a"], ["a"], use_effective_order=1),
            "effective_order must be a bool",
        ),
        (lambda: corpus_bleu(None, ["a"]), "references must be a list"),
        (lambda: corpus_bleu(["a"], None), "hypotheses must be a list"),
        (
            lambda: corpus_bleu([3], ["a"]),
            r"references\[0\] must be a string",
        ),
        (
            lambda: sentence_bleu(None, "a"),
            "reference must be a string or a non-empty list",
        ),
        (lambda: sentence_bleu("a", None), "hypothesis must be a string"),
        (lambda: chrf(["a"], ["a"], beta=-1), "beta must be"),
        (lambda: chrf(["a"], ["a"], beta="3"), "beta must be"),
        (
            lambda: chrf(["a"], ["a"], char_order=0, word_order=0),
            "char_order \\+ word_order",
        ),
        (lambda: chrf(["a"], ["a"], word_order=-1), "word_order must be"),
        (
            lambda: chrf(["a"], ["a"], whitespace=None),
            "whitespace must be a bool",
        ),
        (
            lambda: chrf(["a"], ["a"], eps_smoothing=1),
            "eps_smoothing must be a bool",
        ),
        (
            lambda: ter(["a"], ["a"], case_sensitive="no"),
            "case_sensitive must be a bool",
        ),
        (lambda: ter("a", ["a"]), "references must be a list"),
        (
            lambda: distinct_n("the cat"),
            "hypotheses must be a list of texts",
        ),
        (
            lambda: distinct_n([None]),
            "hypotheses must hold strings or lists of tokens",
        ),
        (lambda: distinct_n(["a"], n=0), "n must be an int >= 1"),
        (lambda: distinct_n(["a b"], n=3), "no output has n = 3 tokens"),
        (lambda: distinct_n([]), "hypotheses is empty"),
        (lambda: self_bleu(["a"]), "at least 2 outputs"),
        (
            lambda: self_bleu("a b"),
            "hypotheses must be a list of strings",
        ),
        (lambda: self_bleu(["a", 3]), "item 1 is int"),
        (
            lambda: self_bleu(["a", "b"], tokenize="ja-mecab"),
            "tokenize must be one of",
        ),
        (
            lambda: distinct_n(["a b"], denominator="words"),
            "denominator must be 'ngrams' or 'tokens'",
        ),
        (
            lambda: tokenize_intl(None),
            "text must be a string, got NoneType",
        ),
        (lambda: tokenize_char(3), "text must be a string, got int"),
        (
            lambda: ter_edits("a b", ["a"]),
            "reference must be a list of word strings",
        ),
        (
            lambda: ter_edits(["a"], None),
            "hypothesis must be a list of word strings",
        ),
        (lambda: bleu_from_stats((1, 2)), "stats must be a BleuStats"),
        (
            lambda: chrf(["a"], ["a"], references_layout="columns"),
            "references_layout must be",
        ),
    ]
    for call, message in cases:
        with pytest.raises(ValueError, match=message):
            call()


# --- distinct-n and self-BLEU ----------------------------------------------------------------------


def test_distinct_n_hand_computed():
    texts = ["the cat sat", "the cat ran", "a dog"]
    # unigrams: the cat sat the cat ran a dog -> 8 tokens, 6 distinct (the, cat, sat, ran, a, dog)
    assert distinct_n(texts, n=1) == 6 / 8
    # bigrams: (the cat) (cat sat) (the cat) (cat ran) (a dog) -> 5, distinct 4
    assert distinct_n(texts, n=2) == 4 / 5
    # trigrams: (the cat sat) (the cat ran) -> 2 distinct of 2; "a dog" has none
    assert distinct_n(texts, n=3) == 1.0
    assert distinct_n(["a a a a"], n=1) == 0.25  # all ties
    assert distinct_n(["x"] * 4, n=1) == 0.25
    assert (
        distinct_n([[1, 2, 1, 2, 1, 2]], n=2) == 0.4
    )  # token ids, as seqlib.decode.distinct_n
    assert (
        distinct_n(["今天天气很好"], n=1, tokenize="char") == 5 / 6
    )  # 天 twice
    assert distinct_n(["今天 今天"], n=1) == 0.5
    assert (
        distinct_n(["a b", "b a"], n=2) == 1.0
    )  # n-grams never cross from one output into the next
    # Li et al.'s variant: the same 4 distinct bigrams over 8 tokens.
    assert distinct_n(texts, n=2, denominator="tokens") == 4 / 8
    assert distinct_n(texts, n=1, denominator="tokens") == 6 / 8


def test_distinct_n_equals_decode_on_one_sequence():
    from seqlib.decode import distinct_n as decode_distinct_n

    ids = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]
    for n in (1, 2, 3):
        assert distinct_n([ids], n=n) == decode_distinct_n(ids, n)


def test_self_bleu_hand_computed():
    # "a b" vs "a c": unigram 1/2 matched, bigram 0/1 -> exp smoothing 1/(2*1) -> BLEU = sqrt(0.5 * 0.5) = 50
    assert self_bleu(["a b", "a c"], tokenize="none") == pytest.approx(
        50.0
    )
    assert self_bleu(["x y z w"] * 3) == pytest.approx(
        100.0
    )  # identical outputs: no diversity
    assert self_bleu(["a b c d", "e f g h"]) == 0.0  # nothing shared
    # "a b c", "a b d", "x y z": the first two each match 2/3 unigrams and 1/2 bigrams against the other,
    # trigrams 0/1 -> exp-smoothed 1/2: (2/3 * 1/2 * 1/2)^(1/3) = 6^(-1/3); the third scores 0.
    expected = 100 * (2 * 6 ** (-1 / 3)) / 3
    assert self_bleu(
        ["a b c", "a b d", "x y z"], tokenize="none"
    ) == pytest.approx(expected)
    assert math.isclose(expected, 36.68, abs_tol=0.01)


@SETTINGS
@given(st.lists(sentence, min_size=2, max_size=6), bleu_options)
def test_self_bleu_terms_are_sacrebleu_sentence_bleu(texts, options):
    bleu = BLEU(effective_order=True, **options)
    expected = sum(
        bleu.sentence_score(h, texts[:i] + texts[i + 1 :]).score
        for i, h in enumerate(texts)
    ) / len(texts)
    assert self_bleu(texts, **options) == pytest.approx(
        expected, rel=1e-9, abs=1e-9
    )


@SETTINGS
@given(
    st.lists(
        st.lists(
            st.sampled_from(["a", "b", "c", "d", "e"]),
            min_size=3,
            max_size=9,
        ),
        min_size=2,
        max_size=5,
    )
)
def test_self_bleu_texygen_setting_matches_nltk(token_lists):
    """Texygen: NLTK sentence_bleu, weights (1/3, 1/3, 1/3), smoothing method 1, on 0-1."""
    texts = [" ".join(t) for t in token_lists]
    smooth = SmoothingFunction().method1
    texygen = sum(
        nltk_sentence_bleu(
            token_lists[:i] + token_lists[i + 1 :],
            t,
            (1 / 3,) * 3,
            smoothing_function=smooth,
        )
        for i, t in enumerate(token_lists)
    ) / len(token_lists)
    ours = self_bleu(
        texts,
        max_ngram_order=3,
        smooth_method="floor",
        use_effective_order=False,
        tokenize="none",
    )
    assert ours / 100 == pytest.approx(texygen, rel=1e-9, abs=1e-12)


def test_registry_entries_have_options_and_directions():
    for name in (
        "corpus_bleu",
        "sentence_bleu",
        "chrf",
        "ter",
        "distinct_n",
        "self_bleu",
        "rouge",
        "exact_match",
    ):
        assert REGISTRY[name].options, name
    assert (
        REGISTRY["ter"].higher_is_better is False
        and REGISTRY["self_bleu"].higher_is_better is False
    )
    assert REGISTRY["distinct_n"].higher_is_better is True


ZH_ALPHABET = list(
    "ab Z1.,-&;\"'()<>猫我喜欢，。！“”…—\u2026\u3000\uff01\u2603\n"
)


@SETTINGS
@given(st.text(alphabet=ZH_ALPHABET, max_size=14))
def test_zh_tokenizer_matches_sacrebleu(text):
    """sacrebleu's TokenizerZh, including its string-compared ranges."""
    from sacrebleu.tokenizers.tokenizer_zh import (
        _UCODE_RANGES,
        TokenizerZh,
    )

    from seqlib.metrics.overlap_text import _ZH_RANGES, tokenize_zh

    assert _ZH_RANGES == tuple(_UCODE_RANGES)
    assert tokenize_zh(text) == TokenizerZh()(text).split()


def test_zh_bleu_matches_sacrebleu():
    refs = ["今天天气很好。", "我喜欢猫，cats too."]
    hyps = ["今天天气不好。", "我喜欢狗，cats too."]
    expected = sacrebleu.corpus_bleu(hyps, [refs], tokenize="zh").score
    ours = corpus_bleu(refs, hyps, tokenize="zh")
    assert ours == pytest.approx(expected, rel=1e-12)
