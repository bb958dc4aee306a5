"""Speed cases: speech recognition metrics (seqlib.metrics.speech, .speech_measures)."""

from __future__ import annotations

from speed.common import synthetic_pairs


def rows(rng):
    import jiwer

    refs, hyps = synthetic_pairs()
    contiguous = jiwer.transformations.wer_contiguous

    def ser():
        out = jiwer.process_words(refs, hyps)
        return sum(
            any(chunk.type != "equal" for chunk in a)
            for a in out.alignments
        ) / len(refs)

    return [
        (
            "WER, 10k sentence pairs",
            "speech",
            "wer",
            lambda f: f(refs, hyps),
            lambda: jiwer.wer(refs, hyps),
            "jiwer.wer",
        ),
        (
            "CER, 2k sentence pairs",
            "speech",
            "cer",
            lambda f: f(refs[:2000], hyps[:2000]),
            lambda: jiwer.cer(refs[:2000], hyps[:2000]),
            "jiwer.cer",
        ),
        (
            "WER contiguous, 1k pairs",
            "speech",
            "wer",
            lambda f: f(refs[:1000], hyps[:1000], contiguous=True),
            lambda: jiwer.wer(
                refs[:1000],
                hyps[:1000],
                reference_transform=contiguous,
                hypothesis_transform=contiguous,
            ),
            "jiwer.wer (wer_contiguous)",
        ),
        (
            "MER, 10k sentence pairs",
            "speech_measures",
            "mer",
            lambda f: f(refs, hyps),
            lambda: jiwer.mer(refs, hyps),
            "jiwer.mer",
        ),
        (
            "WIL, 10k sentence pairs",
            "speech_measures",
            "wil",
            lambda f: f(refs, hyps),
            lambda: jiwer.wil(refs, hyps),
            "jiwer.wil",
        ),
        (
            "WIP, 10k sentence pairs",
            "speech_measures",
            "wip",
            lambda f: f(refs, hyps),
            lambda: jiwer.wip(refs, hyps),
            "jiwer.wip",
        ),
        (
            "sentence error rate, 10k pairs",
            "speech_measures",
            "sentence_error_rate",
            lambda f: f(refs, hyps),
            ser,
            "jiwer.process_words alignments",
        ),
    ]
