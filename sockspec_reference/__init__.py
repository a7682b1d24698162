"""sockspec's reference implementation of the tutorial's socket recipes.

Run ``python -m sockspec_reference --help`` for the recipe programs.  The SNTP codec
lives in :mod:`sockspec_reference.sntp`; everything else is private to the programs.
Nothing here imports ``sockspec`` or ``specs``: the reference must stand on the
standard library (plus ntplib) so that the kit can judge it like any other
implementation.
"""
