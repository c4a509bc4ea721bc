"""Recovery Science: the course package.

Quiz engine (``recovery_science.quiz``), typed dataset loader (``recovery_science.data``),
bibliography formatting (``recovery_science.bib``), the schematic receptor model
(``recovery_science.receptor``) and the book's Sphinx extension
(``recovery_science.sphinxext``).
"""

__version__ = "0.1.0"

import sys as _sys

if "ipykernel" in _sys.modules:  # a Jupyter kernel: the course's figures are SVG (figures.py)
    from .figures import use_course_figures as _use_course_figures

    _use_course_figures()
