"""Speed cases: sequence-labelling metrics (seqlib.metrics.labeling, .span_metrics, .semeval)."""

from __future__ import annotations

import warnings


def tagged_corpus(
    rng, n_sentences: int = 10_000, types=("PER", "LOC", "ORG", "MISC")
):
    """IOB2 gold tags for 15-35-token sentences (about one entity per 6 tokens) and a noisy prediction."""
    gold, pred = [], []
    for _ in range(n_sentences):
        tags = []
        while len(tags) < rng.integers(15, 36):
            if rng.random() < 0.17:
                kind = types[rng.integers(len(types))]
                tags += [f"B-{kind}"] + [f"I-{kind}"] * int(
                    rng.integers(0, 3)
                )
            else:
                tags.append("O")
        noisy = [
            t
            if rng.random() > 0.08
            else ("O", "B-PER", "I-LOC", "I-ORG")[rng.integers(4)]
            for t in tags
        ]
        gold.append(tags)
        pred.append(noisy)
    return gold, pred


def to_iobes(tags):
    """IOB2 -> IOBES (a span's last token becomes E-, a one-token span S-)."""
    out = []
    for i, t in enumerate(tags):
        nxt = tags[i + 1] if i + 1 < len(tags) else "O"
        ends = not (nxt.startswith("I-") and nxt[2:] == t[2:])
        if t.startswith("B-"):
            out.append(("S-" if ends else "B-") + t[2:])
        elif t.startswith("I-"):
            out.append(("E-" if ends else "I-") + t[2:])
        else:
            out.append(t)
    return out


def rows(rng):
    import nervaluate
    import seqeval.metrics
    from seqeval.scheme import IOB2, IOBES

    gold, pred = tagged_corpus(rng)
    gold_s, pred_s = (
        [to_iobes(t) for t in gold],
        [to_iobes(p) for p in pred],
    )
    flat_gold = [t for s in gold for t in s]
    flat_pred = [t for s in pred for t in s]

    def quiet(fn, *args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args, **kwargs)

    def nerval():
        result = nervaluate.Evaluator(
            gold, pred, tags=["PER", "LOC", "ORG", "MISC"], loader="list"
        ).evaluate()
        return {
            schema: row.f1 for schema, row in result["overall"].items()
        }

    import sklearn.metrics

    return [
        (
            "token accuracy, 10k sentences",
            "labeling",
            "token_accuracy",
            lambda f: f(gold, pred),
            lambda: sklearn.metrics.accuracy_score(flat_gold, flat_pred),
            "sklearn.accuracy_score",
        ),
        (
            "span F1 default, 10k sentences",
            "span_metrics",
            "span_f1",
            lambda f: f(gold, pred),
            lambda: quiet(seqeval.metrics.f1_score, gold, pred),
            "seqeval.f1_score",
        ),
        (
            "span F1 strict IOB2, 10k",
            "span_metrics",
            "span_f1",
            lambda f: f(gold, pred, mode="strict"),
            lambda: quiet(
                seqeval.metrics.f1_score,
                gold,
                pred,
                mode="strict",
                scheme=IOB2,
            ),
            "seqeval.f1_score strict",
        ),
        (
            "span F1 strict IOBES, 10k",
            "span_metrics",
            "span_f1",
            lambda f: f(gold_s, pred_s, mode="strict", scheme="IOBES"),
            lambda: quiet(
                seqeval.metrics.f1_score,
                gold_s,
                pred_s,
                mode="strict",
                scheme=IOBES,
            ),
            "seqeval.f1_score strict",
        ),
        (
            "span precision macro, 10k",
            "span_metrics",
            "span_precision",
            lambda f: f(gold, pred, average="macro"),
            lambda: quiet(
                seqeval.metrics.precision_score,
                gold,
                pred,
                average="macro",
            ),
            "seqeval.precision_score",
        ),
        (
            "span recall, 10k",
            "span_metrics",
            "span_recall",
            lambda f: f(gold, pred),
            lambda: quiet(seqeval.metrics.recall_score, gold, pred),
            "seqeval.recall_score",
        ),
        (
            "span report, 10k",
            "span_metrics",
            "span_report",
            lambda f: f(gold, pred)["macro avg"]["f1-score"],
            lambda: quiet(
                seqeval.metrics.classification_report,
                gold,
                pred,
                output_dict=True,
            )["macro avg"]["f1-score"],
            "seqeval.classification_report",
        ),
        (
            "span scores (SemEval), 10k",
            "semeval",
            "span_scores",
            lambda f: {
                schema: row["f1"] for schema, row in f(gold, pred).items()
            },
            nerval,
            "nervaluate.Evaluator",
        ),
    ]
