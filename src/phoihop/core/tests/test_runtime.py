"""Web processes never pause the cycle collector; batch processes (commands, the worker) may."""

import gc
import subprocess
import sys

from phoihop.core import runtime
from phoihop.workbook.reader import paused_gc


def test_the_import_engine_leaves_the_cycle_collector_alone_in_a_web_process(monkeypatch):
    monkeypatch.setattr(runtime, "_batch", False)
    with paused_gc():
        assert gc.isenabled()


def test_a_batch_process_may_pause_it_and_gets_it_back(monkeypatch):
    monkeypatch.setattr(runtime, "_batch", True)
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_phoihop_commands_are_batch_and_serve_is_not():
    code = (
        "import sys; from phoihop.cli import main; from phoihop.core import runtime\n"
        "sys.argv = ['phoihop', 'version']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('batch' if runtime.is_batch() else 'web')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "batch"
    assert "serve" in runtime.WEB_COMMANDS and "up" in runtime.WEB_COMMANDS
