"""The papers symspec checks, one package each (``symspec/papers/<id>/``): metadata and claims as data.

The engine never imports a paper; :mod:`symspec.registry` finds these packages by directory and imports them
by name when a command needs their claims.
"""
