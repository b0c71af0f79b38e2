"""``make grade``: a class folder in, a gradebook, feedback and a report out (``run``), with JOBS
warm judges working in parallel (``pool``). ``python -m grading.grade`` is the command line."""
