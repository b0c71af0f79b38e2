"""The JUDGE (trusted side): runs the autograder's tests where no student code ever runs.

It talks to the student's notebook only through ``grading.wire`` data (``session``), stands in
for the student's functions with proxies (``remote``), rebuilds the notebook's given data from the
reference itself (``given``), and runs otter's test files against all that (``checks``).
"""
