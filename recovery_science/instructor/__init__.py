"""Instructor tools behind ``recovery-science export`` and ``recovery-science keys``.

- :mod:`.banks`: choose banks by id, format sources and numbers, write files atomically;
- :mod:`.gift`: Moodle GIFT text;
- :mod:`.moodle_xml`: Moodle XML;
- :mod:`.qti`: IMS QTI 1.2 in a zip that Canvas imports;
- :mod:`.keys`: answer keys as Markdown or HTML.

Each writer takes validated :class:`~recovery_science.quiz.schema.Bank` objects and returns the
whole file as text or bytes; nothing is written until the file is complete
(:func:`.banks.write_atomic`). What a target cannot express, and what is done instead, is listed
in ``book/for-instructors.md``.
"""
