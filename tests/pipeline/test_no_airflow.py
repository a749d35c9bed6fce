"""The domain package works with Airflow made unimportable."""

from __future__ import annotations

import subprocess
import sys

_HIDE_AIRFLOW = r"""
import importlib, pkgutil, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "airflow" or name.startswith("airflow."):
            raise ImportError(f"airflow is hidden: {name}")
sys.meta_path.insert(0, Block())
import newslake
names = [m.name for m in pkgutil.walk_packages(newslake.__path__, "newslake.")]
for name in names:
    importlib.import_module(name)
assert not any(m == "airflow" or m.startswith("airflow.") for m in sys.modules), "airflow leaked"
print("IMPORTED", len(names))
"""


def test_newslake_imports_without_airflow():
    proc = subprocess.run([sys.executable, "-c", _HIDE_AIRFLOW], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    count = int(proc.stdout.split("IMPORTED")[1])
    assert count >= 10
