"""A stand-in for torchvision, put on ``sys.path`` only by tests/test_d2l_oracle.py.

d2l 1.0.3 imports torchvision at the top of ``d2l.torch``, but PyPI's torchvision cannot load
beside the CPU build of torch 2.13 ("operator torchvision::nms does not exist"). The oracle
tests use none of D2L's vision code, so these names only have to exist; calling them raises.
"""

from . import datasets, transforms  # noqa: F401
