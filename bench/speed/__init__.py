"""Per-family speed cases for ``bench/metrics_speed.py``.

Each module ``bench/speed/<family>.py`` defines ``rows(rng)`` returning a list of
``(label, module, name, call_ours, call_reference, reference_name)``: ``module`` and ``name`` locate
``seqlib.metrics.<module>.<name>``, ``call_ours(f)`` runs the workload with that function,
``call_reference()`` runs the fastest reference on the same data, and both return the value
the script compares. Import the reference libraries inside ``rows`` so that ``--only`` does not
pay for the other families' imports. Shared workload builders live in ``bench/speed/common.py``.
"""
