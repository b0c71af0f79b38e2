"""Code that runs INSIDE the sandbox, in the same processes as student code (untrusted side).

It is the course's code, but a student's notebook can change anything in its own process, so
nothing these modules send out is trusted: the judge (``grading.judge``) validates every byte.
Nothing here may hold a hidden test, a reference value or the autograder zip.
"""
