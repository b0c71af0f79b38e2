"""``make student``: ``python -m grading.author [ids...]``."""

from .assign import main

main()
