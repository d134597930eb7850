"""``python -m punchout`` is the ``punchout`` command (:mod:`punchout.cli`): ``python -m
punchout demo`` runs the demo, ``python -m punchout serve`` the connector in production."""

from punchout.cli import main

if __name__ == "__main__":
    main()
