"""Generated request ids: 32 hex digits of CSPRNG output, never repeated, not even across a fork."""

from __future__ import annotations

import os
import re

from service.observability import requestid


def test_generated_ids_are_hex_and_distinct_across_refills() -> None:
    ids = [requestid.new_request_id() for _ in range(2000)]  # several 256-id refills
    assert all(re.fullmatch(r"[0-9a-f]{32}", value) for value in ids)
    assert len(set(ids)) == len(ids)


def test_a_forked_child_does_not_reuse_the_parents_buffer() -> None:
    requestid.new_request_id()  # the parent has a buffer with ids left in it
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        os.close(read_end)
        os.write(write_end, requestid.new_request_id().encode())
        os._exit(0)
    os.close(write_end)
    child_id = os.read(read_end, 64).decode()
    os.close(read_end)
    os.waitpid(child, 0)
    following = [requestid.new_request_id() for _ in range(255)]
    assert child_id not in following
