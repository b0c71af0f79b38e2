"""Course staff tools: generate student versions and autograders, grade a class.

Who runs what: ``grading.inside`` runs in the sandbox, in the same processes as student code
(untrusted); ``grading.judge`` runs the tests where no student code runs (trusted); ``grading.wire``
is the data format between them. The other modules are the staff's tools around them.
"""

import sys

# nbformat validates notebooks with jsonschema, whose optional IRI format checker (rfc3987_syntax,
# installed with Jupyter) builds a grammar at import: about 1.4 s of every grading process's start,
# for a format no notebook schema uses. Marked absent, jsonschema skips that checker.
sys.modules.setdefault("rfc3987_syntax", None)
