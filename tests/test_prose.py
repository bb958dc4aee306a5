"""Every number a chapter's prose states is printed by one of its cells, or marked as an input.

The synthetic notebooks below show each kind of mistake the check must catch (a retyped or
rounded-wrong result, a number word, a vague run time) and each kind of number it must let
through (a correct rounding, a percentage printed as a fraction, a hyperparameter set in code,
a marked input, a cross-reference, math, code, a year, a version). The last tests run it on
every chapter: that is how plain ``pytest`` enforces the rule.
"""

from __future__ import annotations

from decimal import Decimal

import nbformat
import pytest

from seqlib import course
from seqlib.prose import (
    code_numbers,
    printed_numbers,
    prose_number_problems,
    prose_text,
    stated_numbers,
)

md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell


def notebook(
    prose: str | list[str],
    printed: str = "",
    source: str = "x = compute()",
) -> nbformat.NotebookNode:
    """A clean notebook: one code cell that prints ``printed``, then the markdown cell(s)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(course.KERNELSPEC)
    outputs = (
        [nbformat.v4.new_output("stream", name="stdout", text=printed)]
        if printed
        else []
    )
    nb.cells = [code(source, execution_count=1, outputs=outputs)]
    nb.cells += [
        md(text)
        for text in ([prose] if isinstance(prose, str) else prose)
    ]
    return nb


def problems(
    prose: str | list[str],
    printed: str = "",
    source: str = "x = compute()",
) -> list[str]:
    return prose_number_problems(notebook(prose, printed, source))


# --- what it must catch ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prose, printed, written",
    [
        (
            "D2L's recipe reaches a test perplexity of about 8.5.",
            "test perplexity 8.43\n",
            "8.5",
        ),
        (
            "A GRU update costs about 2.7 RNN updates.",
            "GRU: 2.42 RNN updates\n",
            "2.7",
        ),
        (
            "The motif gives a precision near 0.75.",
            "precision 0.710\n",
            "0.75",
        ),
        (
            "The direct error peaks near k = 157.",
            "peak error 0.93 at k = 160\n",
            "157",
        ),
        (
            "The direct error peaks near $k = 157$.",
            "peak error 0.93 at k = 160\n",
            "157",
        ),
        (
            "Rounding differences grow over a thousand optimizer steps.",
            "330 steps\n",
            "a thousand",
        ),
        (
            "The unknown words are 14.5% of the text.",
            "share of <unk>: 0.144\n",
            "14.5%",
        ),
        (
            "It needs 138,000 parameters.",
            "138,240 parameters\n",
            "138,000",
        ),
        (
            "Training took 30 s on a laptop.",
            "loss 30.2 after 12 s\n",
            "30 s",
        ),
        (
            "The model has millions of parameters.",
            "91,420 parameters\n",
            "millions",
        ),
        (
            "In 2000 steps the loss halves.",
            "loss 1.52 after 1,999 steps\n",
            "2000",
        ),
        (
            "The step size is 2 × 10^-4 here.",
            "step 0.00031\n",
            "2 × 10^-4",
        ),
    ],
)
def test_catches_numbers_not_printed_at_the_stated_precision(
    prose, printed, written
):
    found = problems(prose, printed)
    assert len(found) == 1, found
    message = found[0]
    assert message.startswith("cell 2: ") and f'"{written}"' in message
    assert (
        "% inputs: " in message
        and "hyperparameter, a date, a version or a figure quoted"
        in message
    )


def test_message_names_the_closest_printed_numbers_and_the_prose_around():
    [message] = problems(
        "D2L's recipe reaches a test perplexity of about 8.5 here.",
        "validation 8.60, test 8.43, train 5.98\n",
    )
    assert "closest printed: 8.43, 8.60, 5.98" in message
    assert "test perplexity of about 8.5 here." in message


@pytest.mark.parametrize(
    "prose",
    [
        "After a few minutes of training some gates are near 1.",
        "Every chapter runs in under two minutes on a two-core CPU.",
        "Training takes several hours on a GPU.",
    ],
)
def test_catches_vague_run_times(prose):
    [message] = problems(prose, "loss 1.234\n")
    assert "run time" in message and "nbval-ignore-output" in message


def test_every_occurrence_in_every_cell_is_reported():
    found = problems(
        ["It ends near 8.5.", "Again: 8.5, and 2.7."], "8.43 2.42\n"
    )
    assert [m.split(":")[0] for m in found] == [
        "cell 2",
        "cell 3",
        "cell 3",
    ]


# --- what it must let through ------------------------------------------------------------------


@pytest.mark.parametrize(
    "prose, printed, source",
    [
        ("The test perplexity is 8.43.", "test perplexity 8.43\n", ""),
        (
            "The test perplexity is 8.4, to one decimal; 8 to none.",
            "test perplexity 8.43\n",
            "",
        ),
        ("Both 0.12 and 0.13 round 0.125 correctly.", "0.125\n", ""),
        (
            "The unknown words are 14.4% of the text.",
            "share of <unk>: 0.144\n",
            "",
        ),
        (
            "The unknown words are 14.4% of the text.",
            "share of <unk>: 14.4%\n",
            "",
        ),
        (
            "It has 138,240 parameters, or 138240.",
            "138240 parameters; 138,240\n",
            "",
        ),
        (
            "The loss drops by 0.3 and costs 1.7 × 10^3 nats, or 4.1e-6 of it.",
            "-0.3 1734.2 0.0000041\n",
            "",
        ),
        (
            "We train on windows of 35 characters at a learning rate of 0.003.",
            "",
            "fit(num_steps=35, lr=3e-3)",
        ),
        (
            "The split is 80/10/10: the first 80% trains the model.",
            "",
            "split(ids, (0.8, 0.1, 0.1))",
        ),
        (
            "PPMd reaches 1.889 bits per character {cite}`cleary1984`.\n"
            "% inputs: 1.889 (PPMd, quoted from the paper)",
            "",
            "",
        ),
        (
            "After a few minutes of training, the loss is flat.\n% inputs: a few minutes",
            "",
            "",
        ),
        (
            "See Chapter 10, eq. 10.2, Fig. 5.1, Section 12.3, §4.2 and chapters 15, 16 and 17.",
            "",
            "",
        ),
        (
            "The probabilities are $0.5$, $0.25$ and $0.125$: $$P = 0.5 \\cdot 0.25 = 0.125.$$",
            "",
            "",
        ),
        (
            "Call `perplexity(logits, targets, eps=1e-12)` with ``num_steps=64``:\n\n"
            "```python\nmodel(x, 128)\n```",
            "",
            "",
        ),
        (
            "Wells (1895) wrote it; Elman 1990 and the 1990s; in 1997, LSTM {cite}`hochreiter1997`.",
            "",
            "",
        ),
        (
            "Tested with Python 3.11, PyTorch 2.2.1, D2L 1.0 and version 4.0 of jiwer.",
            "",
            "",
        ),
        (
            "The 1st and 22nd runs, on AVX-512 and x86-64, with GPT-2 and the 13a tokenizer.",
            "",
            "",
        ),
        ("A tanh RNN with 3 layers, 2 directions and 9 heads.", "", ""),
        (
            "See [the paper](https://arxiv.org/abs/1409.3215) and <!-- 42.0 --> the figure "
            "![a plot](fig_128.png).",
            "",
            "",
        ),
        (
            "(ch-rnn-123)=\n# RNNs\n\n```{exercise}\n:label: ex-rnn-12\n\nExplain it.\n```",
            "",
            "",
        ),
        (
            "The model has hundreds of thousands of parameters.",
            "138,240 parameters\n",
            "",
        ),
        (
            "Its odds are 4.5e+14 to one.",
            "odds: 4.5e+14\n",
            "",
        ),  # a positive exponent prints 0 decimals
        (
            "The store sells several hours in a row, then closes for 72 hours.",
            "",
            "LOOKBACK = 72",
        ),
    ],
)
def test_lets_through_printed_numbers_and_inputs(prose, printed, source):
    assert problems(prose, printed, source or "x = compute()") == []


def test_hedged_number_is_not_excused_by_a_code_literal():
    """A hyperparameter is set, not measured: "about 2.7" is a rounded result even if a code
    cell happens to hold the literal 2.7."""
    source = 'COST = {"GRU": 2.7}'
    assert (
        problems("A GRU update costs 2.7 RNN updates.", "", source) == []
    )
    assert (
        len(
            problems(
                "A GRU update costs about 2.7 RNN updates.", "", source
            )
        )
        == 1
    )
    assert (
        problems(
            "A GRU update costs about 2.7 RNN updates.",
            "GRU: 2.71 RNN updates\n",
            source,
        )
        == []
    )


def test_input_marker_covers_only_its_cell_and_only_what_it_lists():
    found = problems(
        [
            "Quoted: 1.889 and 0.9.\n% inputs: 1.889",
            "Quoted again: 1.889.",
        ]
    )
    assert (
        len(found) == 2
        and '"0.9"' in found[0]
        and found[1].startswith("cell 3:")
    )


# --- the pieces --------------------------------------------------------------------------------


def test_prose_text_keeps_offsets():
    source = "Rate $\\eta = 0.1$, `lr = 0.5`, {eq}`eq-1` and 8.43."
    text = prose_text(source)
    assert len(text) == len(source) and text.index(
        "8.43"
    ) == source.index("8.43")
    assert "0.5" not in text and "eq-1" not in text and "0.1" in text


def test_stated_numbers_reads_values_and_precisions():
    stated = {
        s.text: s
        for s in stated_numbers(
            "We saw 8.43, .71, 1,814, 14.4%, 4.1e-6, 100k, 1.5 million "
            "and a thousand steps."
        )
    }
    assert {
        k: (str(s.value), str(s.quantum)) for k, s in stated.items()
    } == {
        "8.43": ("8.43", "0.01"),
        ".71": ("0.71", "0.01"),
        "1,814": ("1814", "1"),
        "14.4%": ("14.4", "0.1"),
        "4.1e-6": ("0.0000041", "1E-7"),
        "100k": ("1.00E+5", "1E+3"),
        "1.5 million": ("1.5E+6", "1E+5"),
        "a thousand": ("1E+3", "1E+3"),
    }
    assert stated["14.4%"].kind == "percent"
    assert [
        (s.text, s.kind)
        for s in stated_numbers("It rose by 7 to 11%; about 12 runs.")
    ] == [("7", "percent"), ("11%", "percent"), ("12", "number")]
    assert [
        s.hedged
        for s in stated_numbers("It rose by 7 to 11%; about 12 runs.")
    ] == [False, False, True]


def test_printed_and_code_numbers():
    nb = notebook(
        "",
        "loss 8.43 after 24 s; 138,240 params; -1e-05\n",
        "lr = 3e-3  # was 0.5\nprint(f'{x:.2f}')",
    )
    numbers, times = printed_numbers(nb)
    assert {"8.43", "24", "138,240", "1e-05"} <= set(numbers.texts)
    assert times.texts == ["24"]
    assert code_numbers(nb) == {
        Decimal("0.003")
    }  # not the comment's 0.5, not the format's 2


def test_rejects_what_is_not_a_notebook():
    with pytest.raises(ValueError, match="expected a notebook"):
        prose_number_problems({"cells": "not a list"})


# --- the command line --------------------------------------------------------------------------


def test_check_command_exit_status(tmp_path, capsys):
    good, bad = tmp_path / "good.ipynb", tmp_path / "bad.ipynb"
    nbformat.write(
        notebook("The perplexity is 8.4.", "perplexity 8.43\n"), good
    )
    nbformat.write(
        notebook("The perplexity is about 8.5.", "perplexity 8.43\n"), bad
    )
    assert course.main(["check", str(good)]) == 0
    assert capsys.readouterr().out == ""
    assert course.main(["check", str(good), str(bad)]) != 0
    out = capsys.readouterr().out
    assert (
        out.startswith(f'{bad}: cell 2: "8.5" is not printed')
        and str(good) not in out
    )
