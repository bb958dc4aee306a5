"""The few plotting helpers the chapters share.

Chapters draw with matplotlib directly; these helpers only keep every figure in the book
the same size and style, and draw the plots that more than one chapter needs.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt

__all__ = ["book_style", "bar"]

BOOK_RC = {
    "figure.figsize": (
        6.4,
        3.6,
    ),  # fits the book's text column without scaling the fonts
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
}


def book_style() -> None:
    """Apply the book's matplotlib style (call once at the top of a chapter)."""
    mpl.rcParams.update(BOOK_RC)


def bar(
    labels: Sequence[str],
    heights: Sequence[float],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    ax=None,
):
    """A labelled bar chart; returns the Axes. Raises if labels and heights differ in length."""
    if len(labels) != len(heights):
        raise ValueError(
            f"labels and heights must have the same length, got {len(labels)} and {len(heights)}"
        )
    ax = ax or plt.figure().gca()
    ax.bar(range(len(labels)), heights)
    ax.set_xticks(range(len(labels)), labels)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return ax
