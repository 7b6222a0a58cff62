# SPDX-License-Identifier: AGPL-3.0-or-later
"""Child processes that their parent stops itself, in order, rather than a terminal.

A terminal's Ctrl-C signals its whole foreground process group: a server started in
that group would die by the signal at the same moment as the program that started
it, which could then not tell that stop from a crash, nor stop things in order. A
child started with detached_options() is in a session of its own, out of the
terminal's reach, and gets SIGTERM if its parent dies without stopping it.
"""

import ctypes
import os
import signal

_PR_SET_PDEATHSIG = 1   # <linux/prctl.h>


def detached_options():
    """Keyword arguments for subprocess.Popen (Linux only)."""
    parent = os.getpid()

    def stop_with_parent():
        # Runs in the child between fork and exec.
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:   # the parent died before prctl took effect
            os._exit(1)

    return {"start_new_session": True, "preexec_fn": stop_with_parent}
