"""The JUDGE (trusted side): runs the autograder's tests where no student code ever runs.

One submission goes through named steps (``grader``): its file is read (``load``), run in a
sandboxed job that only ever answers with data (``session``; the student's functions are
stand-ins, ``remote``), tested by otter's own test files (``testfiles``) against data the judge
builds itself (``given``), run again from the reference's results where a checkpoint says so
(``checkpoints``), and scored into typed results (``outcome``). ``tamper`` only adds hints for a TA.
"""
