"""Names d2l.torch refers to at import time; using them raises (no vision code is tested)."""


def FashionMNIST(*args, **kwargs):
    raise RuntimeError(
        "torchvision stand-in: datasets are not available in the oracle tests"
    )
