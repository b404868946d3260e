"""The ``nesy train`` subcommand lives in nesy.train.cli; nesy.cli imports this name."""
from nesy.train.cli import register as register  # noqa: F401
