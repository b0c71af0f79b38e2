"""Course staff tools: generate student versions and autograders, grade a class."""
