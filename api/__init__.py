"""ClaimScope: where did this text come from?"""

__version__ = "0.1.0"
