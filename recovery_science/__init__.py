"""Recovery Science: the course package.

Quiz engine (``recovery_science.quiz``), typed dataset loader (``recovery_science.data``),
bibliography formatting (``recovery_science.bib``), the schematic receptor model
(``recovery_science.receptor``) and the book's Sphinx extension
(``recovery_science.sphinxext``).
"""

__version__ = "0.1.0"
