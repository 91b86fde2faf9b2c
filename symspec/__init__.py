"""symspec: a symbolic-plus-numeric checker for the frequency behaviour of convolutional decoders."""

__version__ = "0.1.0"
