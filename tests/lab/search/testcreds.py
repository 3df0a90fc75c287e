"""The users and API key of the search server's own tests and of the
fixture captures (tests/data/es/lab-capture.py): one of each role."""

import os


def write_auth_files(d):
    """Write the users and keys files into directory d; their paths."""
    users, keys = os.path.join(d, "users"), os.path.join(d, "keys")
    with open(users, "w") as f:
        f.write("elastic:epw:superuser\nmctop:mpw:lab_reader\nnobody:npw:lab_nothing\n")
    with open(keys, "w") as f:
        f.write("kid1:ksecret:mctop\n")
    return users, keys
