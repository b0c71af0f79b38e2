"""Course staff tools: generate student versions and autograders, grade a class.

Who runs what: ``grading.inside`` runs in the sandbox, in the same processes as student code
(untrusted); ``grading.judge`` runs the tests where no student code runs (trusted); ``grading.wire``
is the data format between them. The other modules are the staff's tools around them.
"""
