"""Names d2l.torch refers to at import time; using them raises (no vision code is tested)."""


class Compose:
    def __init__(self, *args, **kwargs):
        raise RuntimeError(
            "torchvision stand-in: transforms are not available in the oracle tests"
        )


Resize = ToTensor = Normalize = Compose
